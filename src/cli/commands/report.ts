import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { csvChunks } from '../../report/csv.js';
import { DEVICE_COLUMNS, iterateLotDeviceRows } from '../../report/device-rows.js';
import { lotCounters } from '../../lots/counters.js';
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
      if (format === 'csv') return streamCsv(this, lot, opts.out);
      const r = withDb(this, (db) => buildLotReport(db, lot));
      const text =
        format === 'html'
          ? renderLotHtml(r)
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

/** Writes the lot's device rows as CSV straight from the database to stdout or `out` (memory flat in the lot size). */
function streamCsv(cmd: Command, lot: string, out: string | undefined): void {
  withDb(cmd, (db) => {
    lotCounters(db, lot); // an unknown lot is refused before anything is written
    const target = out ? path.resolve(out) : undefined;
    const tmp = target ? `${target}.tmp-${process.pid}` : undefined;
    let fd: number | undefined;
    let rows = 0;
    const counted = (function* () {
      for (const r of iterateLotDeviceRows(db, lot)) {
        rows++;
        yield r;
      }
    })();
    try {
      if (tmp) fd = fs.openSync(tmp, 'w');
      for (const chunk of csvChunks(counted, DEVICE_COLUMNS)) {
        if (fd === undefined) process.stdout.write(chunk);
        else fs.writeSync(fd, chunk);
      }
      if (fd !== undefined) {
        fs.closeSync(fd);
        fd = undefined;
        fs.renameSync(tmp!, target!);
      }
    } catch (e) {
      // Nothing half-written stays behind; the error names the file the user asked for, not the temporary one.
      if (fd !== undefined) fs.closeSync(fd);
      if (tmp) fs.rmSync(tmp, { force: true });
      if (tmp && (e as NodeJS.ErrnoException).path === tmp) (e as NodeJS.ErrnoException).path = target;
      throw e;
    }
    if (target) say(`wrote ${target} (csv, ${rows} devices)`);
  });
}
