import { Command } from 'commander';
import { intOption } from '../../strict-number.js';
import { forecastAdapters, type AdapterForecast } from '../../planning/forecast.js';
import { withDb } from '../context.js';
import { hubForecast } from '../../planning/hub-history.js';
import { withHub } from '../hub-context.js';
import { printJson, say, table } from '../output.js';

/** The `adapters` command group: the catalog helper's when it is registered (adapters.ts loads first), else ours. */
function adaptersGroup(program: Command): Command {
  return program.commands.find((c) => c.name() === 'adapters') ?? program.command('adapters').description('socket adapters: types, inventory, forecasts');
}

/** Weeks of history a forecast may look back: 1 to 520 (ten years). */
export const WEEKS = { min: 1, max: 520 };

/** `gangflash adapters forecast`: per adapter, insertion rate over recent weeks and the day it reaches rated life. */
export function register(program: Command): void {
  adaptersGroup(program)
    .command('forecast')
    .description('per adapter: insertions per day over the last weeks (from attempts) and the day it reaches its rated life')
    .option('--weeks <w>', 'weeks of history the rate is measured over (whole days only)', '4')
    .option('--horizon <w>', 'weeks ahead: adapters reaching their rated life within them are marked due', '12')
    .option('--json', 'print as JSON')
    .option('--hub [url]', "every station's adapters and uploads on the hub instead of this station's journal (default: $GANGFLASH_HUB)")
    .action(async function (this: Command, opts: { weeks: string; horizon: string; json?: boolean; hub?: string | boolean }) {
      const weeks = intOption('--weeks', opts.weeks, WEEKS);
      const horizon = intOption('--horizon', opts.horizon, WEEKS);
      const rows = opts.hub ? await withHub(this, (hub) => hubForecast(hub, { weeks, horizonWeeks: horizon })) : withDb(this, (db) => forecastAdapters(db, { weeks, horizonWeeks: horizon }));
      if (opts.json) return printJson({ weeks, horizonWeeks: horizon, adapters: rows });
      if (rows.length === 0) return say('no adapters in the inventory; add them with `gangflash adapters add`');
      say(
        table(rows, [
          { header: 'serial', get: (r: AdapterForecast) => r.serial },
          { header: 'type', get: (r) => r.type },
          { header: 'mounted on', get: (r) => (r.programmer === null ? 'shelf' : `${r.programmer}:${r.site}`) },
          { header: 'used', get: (r) => r.used, align: 'right' },
          { header: 'rated', get: (r) => r.rated, align: 'right' },
          { header: 'left', get: (r) => r.left, align: 'right' },
          { header: 'per day', get: (r) => (r.insertionsPerDay === null ? '-' : r.insertionsPerDay.toFixed(1)), align: 'right' },
          { header: 'rated life on', get: (r) => r.reachesLifeOn ?? (r.state === 'new' ? 'too little history (< 1 day)' : r.state) },
          { header: 'days left', get: (r) => (r.daysLeft === null ? '-' : r.daysLeft.toFixed(1)), align: 'right' },
          { header: 'due', get: (r) => (r.due ? `within ${horizon} wk` : '') },
        ]),
      );
      say(`rate measured over the last ${weeks} week(s) of attempts in whole days (or the adapter's whole days when younger); due: rated life within ${horizon} week(s)`);
    });
}
