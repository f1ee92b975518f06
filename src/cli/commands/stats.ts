import type { Command } from 'commander';
import { withDb } from '../context.js';
import { printJson } from '../output.js';
import { printYield } from '../yield-output.js';
import { hubYieldReport } from '../hub-stats.js';
import { yieldReport, type YieldBy } from '../../stats/yield.js';
import { UsageError } from '../../errors.js';
import { lotCounters } from '../../lots/counters.js';

const BY: YieldBy[] = ['lot', 'chip', 'programmer', 'site', 'adapter', 'failure'];

/** `gangflash stats yield`. */
export function register(program: Command): void {
  const stats = program.command('stats').description('yield and failure statistics from the recorded attempts');
  stats
    .command('yield')
    .description('first-pass and final yield, failures by code and stage, per-site confidence intervals')
    .option('--lot <lot>', 'only this lot')
    .option('--by <group>', `group by ${BY.join('|')}`, 'lot')
    .option('--hub [url]', "every station's uploads on the hub instead of this station's journal (default: $GANGFLASH_HUB)")
    .option('--json', 'print as JSON')
    .action(async function (this: Command, opts: { lot?: string; by: string; hub?: string | boolean; json?: boolean }) {
      if (!BY.includes(opts.by as YieldBy)) throw new UsageError('bad-option', `--by must be one of ${BY.join(', ')} (got "${opts.by}")`);
      const r = opts.hub ? await hubYieldReport(this, opts.by as YieldBy, opts.lot) : withDb(this, (db) => {
        if (opts.lot) lotCounters(db, opts.lot); // refuses an unknown lot with the known ones
        return yieldReport(db, opts.by as YieldBy, opts.lot);
      });
      if (opts.json) return printJson(r);
      printYield(r);
    });
}
