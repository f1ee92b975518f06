import type { Command } from 'commander';
import { compatReport, type CompatRow } from '../../inventory/compat-report.js';
import { withDb } from '../context.js';
import { printJson, say, table } from '../output.js';

/** `gangflash compat PART`: adapter types that fit, how many we own and mount, healthy sites today. */
export function register(program: Command): void {
  program
    .command('compat <part>')
    .description('adapter types that fit PART, how many we own, how many are mounted on a programmer that drives it, and healthy sites today')
    .option('--json', 'print as JSON')
    .action(function (this: Command, part: string, opts: { json?: boolean }) {
      const r = withDb(this, (db) => compatReport(db, part));
      if (opts.json) return printJson(r);
      say(`${r.part} (${r.vendor}, ${r.kind}, ${r.package} ${r.bodyWmm}x${r.bodyLmm} mm, pitch ${r.pitchMm} mm)`);
      if (r.adapterTypes.length === 0) return say('no adapter type in the catalog fits this part: add one to adapters/ and run `gangflash db init`');
      say(table(r.adapterTypes, [
        { header: 'adapter type', get: (t: CompatRow) => t.type },
        { header: 'sites/adapter', get: (t) => t.sitesPerAdapter, align: 'right' },
        { header: 'rated', get: (t) => t.ratedInsertions, align: 'right' },
        { header: 'families', get: (t) => t.families.join(',') },
        { header: 'owned', get: (t) => t.owned, align: 'right' },
        { header: 'mounted', get: (t) => t.mounted, align: 'right' },
        { header: 'healthy sites', get: (t) => t.healthySites, align: 'right' },
      ]));
      say(`${r.totalHealthySites} healthy site(s) can program ${r.part} today`);
    });
}
