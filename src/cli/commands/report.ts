import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import type { Db } from '../../db/open.js';
import { UsageError } from '../../errors.js';
import { csvChunks } from '../../report/csv.js';
import { DEVICE_COLUMNS, iterateLotDeviceRows, type DeviceRow } from '../../report/device-rows.js';
import { lotCounters } from '../../lots/counters.js';
import { lotHtmlChunks } from '../../report/html.js';
import { lotJsonChunks } from '../../report/json.js';
import { buildLotReport } from '../../report/lot-report.js';
import { writeChunks } from '../../report/write-chunks.js';
import { inReadSnapshot } from '../../store/read-snapshot.js';
import { dbPath, withDb } from '../context.js';
import { hubLotReport } from '../hub-report.js';
import { checkOutFile, outUnwritable } from '../out-file.js';
import { holdYoungGeneration } from '../young-generation.js';
import { say } from '../output.js';

const FORMATS = ['html', 'csv', 'json'] as const;
type Format = (typeof FORMATS)[number];

/** `gangflash report lot L --format html|csv|json [--out FILE]`. */
export function register(program: Command): void {
  const report = program.command('report').description('reports for planners and MES import');
  report
    .command('lot <lot>')
    .description('a lot report: self-contained HTML with charts, or every device row as CSV/JSON for MES import')
    .option('--format <f>', 'html | csv | json', 'html')
    .option('--json', 'same as --format json')
    .option('--out <file>', 'write to this file (default: stdout)')
    .option('--hub [url]', "every station's uploads on the hub instead of this station's journal (default: $GANGFLASH_HUB)")
    .action(async function (this: Command, lot: string, opts: { format: string; json?: boolean; out?: string; hub?: string | boolean }) {
      const format = opts.json ? 'json' : opts.format;
      if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError('bad-format', `--format ${format}: give one of ${FORMATS.join(', ')}`);
      const target = opts.out ? path.resolve(opts.out) : undefined;
      if (target) checkOutFile(target, dbPath(this));
      // Rows stream through, so the live heap stays small; without the hold V8 would still double the young
      // generation with the garbage they leave (a hub report of 100,000 devices peaked at 197 MB, held: 93 MB).
      const release = holdYoungGeneration();
      let rows: number;
      try {
        rows = opts.hub
          ? await hubLotReport(this, lot, format as Format, (chunks) => writeTo(chunks, target))
          : await withDb(this, (db) => inReadSnapshot(db, () => writeReport(db, lot, format as Format, target)));
      } finally {
        release();
      }
      if (!target) return;
      // With --out the JSON document goes to the file; stderr keeps stdout clean for scripts.
      if (format === 'json') process.stderr.write(`wrote ${target} (${rows} devices)\n`);
      else say(`wrote ${target} (${format}, ${rows} devices)`);
    });
}

/**
 * Writes the lot report to stdout or `target` as its device rows stream from the database (memory flat in the lot
 * size: the charts come from aggregates, rows are written as they are read and the output's back-pressure is
 * respected); returns how many device rows it wrote. A file is written beside `target` and renamed at the end.
 */
async function writeReport(db: Db, lot: string, format: Format, target: string | undefined): Promise<number> {
  let rows = 0;
  const counted = (function* (): Generator<DeviceRow> {
    for (const r of iterateLotDeviceRows(db, lot)) {
      rows++;
      yield r;
    }
  })();
  // An unknown lot is refused before anything is written.
  const chunks =
    format === 'csv'
      ? (lotCounters(db, lot), csvChunks(counted, DEVICE_COLUMNS))
      : (format === 'html' ? lotHtmlChunks : lotJsonChunks)(buildLotReport(db, lot), counted);
  await writeTo(chunks, target);
  return rows;
}

/** Writes report chunks to stdout, or to `target` through a file beside it renamed at the end (nothing half-written stays). */
async function writeTo(chunks: Iterable<string> | AsyncIterable<string>, target: string | undefined): Promise<void> {
  if (!target) return writeChunks(process.stdout, chunks);
  const tmp = `${target}.tmp-${process.pid}`;
  let out: Writable | undefined;
  try {
    out = fs.createWriteStream(tmp, { fd: fs.openSync(tmp, 'w') });
    await writeChunks(out, chunks);
    out.end();
    await finished(out);
    fs.renameSync(tmp, target);
  } catch (e) {
    // Nothing half-written stays behind; the error names the file the user asked for, not the temporary one.
    out?.destroy();
    fs.rmSync(tmp, { force: true });
    if ((e as NodeJS.ErrnoException).path === tmp) (e as NodeJS.ErrnoException).path = target;
    // A folder that does not exist or cannot be written is the user's to fix, not a bug.
    throw outUnwritable(e, target) ?? e;
  }
}
