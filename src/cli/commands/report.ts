import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { toCsv } from '../../report/csv.js';
import { DEVICE_COLUMNS } from '../../report/device-rows.js';
import { renderLotHtml } from '../../report/html.js';
import { buildLotReport } from '../../report/lot-report.js';
import { withDb } from '../context.js';
import { say } from '../output.js';

const FORMATS = ['html', 'csv', 'json'] as const;

/** `gangflash report lot L --format html|csv|json [--out FILE]`. */
export function register(program: Command): void {
  const report = program.command('report').description('reports for planners and MES import');
  report
    .command('lot <lot>')
    .description('a lot report: self-contained HTML with charts, or every device row as CSV/JSON for MES import')
    .option('--format <f>', 'html | csv | json', 'html')
    .option('--json', 'same as --format json')
    .option('--out <file>', 'write to this file (default: stdout)')
    .action(function (this: Command, lot: string, opts: { format: string; json?: boolean; out?: string }) {
      const format = opts.json ? 'json' : opts.format;
      if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError('bad-format', `--format ${format}: give one of ${FORMATS.join(', ')}`);
      const r = withDb(this, (db) => buildLotReport(db, lot));
      const text =
        format === 'html'
          ? renderLotHtml(r)
          : format === 'csv'
            ? toCsv(r.devices, DEVICE_COLUMNS)
            : JSON.stringify({ lot: r.summary, timeline: r.timeline, sites: r.heatmap, pareto: r.pareto, devices: r.devices }, null, 2) + '\n';
      if (!opts.out) return void process.stdout.write(text);
      const out = path.resolve(opts.out);
      const tmp = `${out}.tmp-${process.pid}`;
      try {
        fs.writeFileSync(tmp, text);
        fs.renameSync(tmp, out);
      } catch (e) {
        // Nothing half-written stays behind; the error names the file the user asked for, not the temporary one.
        fs.rmSync(tmp, { force: true });
        if ((e as NodeJS.ErrnoException).path === tmp) (e as NodeJS.ErrnoException).path = out;
        throw e;
      }
      // With --out the JSON document goes to the file; stderr keeps stdout clean for scripts.
      if (format === 'json') process.stderr.write(`wrote ${out} (${r.devices.length} devices)\n`);
      else say(`wrote ${out} (${format}, ${r.devices.length} devices)`);
    });
}
