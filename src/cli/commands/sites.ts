import type { Command } from 'commander';
import { actor } from '../../jobs/release.js';
import { withDb } from '../context.js';
import { printJson, say, table } from '../output.js';
import { listSites, setSiteEnabled, type SiteRow } from '../../inventory/sites.js';

/** `gangflash sites list|enable|disable`. */
export function register(program: Command): void {
  const sites = program.command('sites').description('sites (sockets) of the farm: state, enable after a repair, disable');
  const show = (rows: SiteRow[], json?: boolean) =>
    json
      ? printJson(rows)
      : say(table(rows, [
          { header: 'site', get: (r) => `${r.programmer}:${r.site}` },
          { header: 'state', get: (r) => (r.enabled ? 'enabled' : 'DISABLED') },
          { header: 'adapter', get: (r) => r.adapter ?? '-' },
          { header: 'reason', get: (r) => r.reason ?? '' },
        ]));
  sites
    .command('list')
    .description('every site: enabled or why disabled, and its adapter')
    .option('--json', 'print as JSON')
    .action(function (this: Command, o: { json?: boolean }) {
      const rows = withDb(this, (db) => listSites(db));
      if (rows.length === 0 && !o.json) return say('no sites yet; they come with their programmer: add one with `gangflash programmers add`');
      show(rows, o.json);
    });
  sites
    .command('enable <site>')
    .description('enable PROGRAMMER:SITE again (e.g. after cleaning or replacing the socket)')
    .option('--reason <text>', 'why', 'socket checked by operator')
    .option('--by <name>', 'who (default: $GANGFLASH_OPERATOR or the login name)')
    .option('--json', 'print as JSON')
    .action(function (this: Command, ref: string, o: { reason: string; by?: string; json?: boolean }) {
      const by = actor(o.by);
      show([withDb(this, (db) => setSiteEnabled(db, ref, true, o.reason, by))], o.json);
    });
  sites
    .command('disable <site>')
    .description('take PROGRAMMER:SITE out of use')
    .requiredOption('--reason <text>', 'why (recorded)')
    .option('--by <name>', 'who (default: $GANGFLASH_OPERATOR or the login name)')
    .option('--json', 'print as JSON')
    .action(function (this: Command, ref: string, o: { reason: string; by?: string; json?: boolean }) {
      const by = actor(o.by);
      show([withDb(this, (db) => setSiteEnabled(db, ref, false, o.reason, by))], o.json);
    });
}
