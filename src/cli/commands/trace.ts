import type { Command } from 'commander';
import { withDb } from '../context.js';
import { printJson, say, table } from '../output.js';
import { UsageError } from '../../errors.js';
import { traceDevice, traceSerial, type TracedDevice, type TracedValue } from '../../report/trace.js';

function valueLine(v: TracedValue): string {
  const fields = v.fields.map((f) => `${f.name}=${f.text}${f.writes.length ? `@${f.writes.map((w) => `0x${w.offset.toString(16).toUpperCase()}`).join('+')}` : ''}`).join(' ');
  return `${v.rule} ${v.value}  ${v.state}${v.reason ? ` (${v.reason})` : ''}  ${fields}`;
}

function showDevice(d: TracedDevice): void {
  say(`device ${d.lot}:${d.reel}:${d.seq}  ${d.result ?? 'not finished'}${d.failureCode ? ` ${d.failureCode}` : ''}${d.finishedAt ? ` at ${d.finishedAt}` : ''}`);
  say(`  lot ${d.lot}, reel ${d.reel} (date code ${d.dateCode ?? '-'}), chip ${d.chip}${d.part && d.part !== d.chip ? ` (reel part ${d.part})` : ''}`);
  say(`  job ${d.job.name}@${d.job.version} (id ${d.job.id}), image sha256 ${d.image.sha256}${d.image.path ? ` (${d.image.path})` : ''}`);
  say(`  serial ${d.serial ?? '-'}`);
  for (const v of d.serials) say(`    ${valueLine(v)}`);
  if (d.attempts.length === 0) return say('  no insertion recorded');
  say(
    table(d.attempts, [
      { header: '#', get: (a) => a.attempt, align: 'right' },
      { header: 'programmer', get: (a) => `${a.programmer} (${a.programmerSerial})` },
      { header: 'site', get: (a) => a.site, align: 'right' },
      { header: 'adapter', get: (a) => (a.adapter ? `${a.adapter} #${a.adapterInsertions}` : '-') },
      { header: 'started', get: (a) => a.startedAt },
      { header: 'ms', get: (a) => (a.endedAt ? Date.parse(a.endedAt) - Date.parse(a.startedAt) : '-'), align: 'right' },
      { header: 'result', get: (a) => a.result },
      { header: 'stage', get: (a) => a.stage ?? '' },
      { header: 'failure', get: (a) => a.failureCode ?? '' },
      { header: 'bad blocks', get: (a) => a.badBlocks, align: 'right' },
      { header: 'serial', get: (a) => a.serial ?? '' },
      { header: 'operator', get: (a) => (a.operator ? `${a.operator}${a.engineering ? ' (engineering)' : ''}` : '-') },
      { header: 'gangflash', get: (a) => a.gangflashVersion ?? '-' },
    ]),
  );
}

/** `gangflash trace SERIAL | --device LOT:REEL:SEQ`. */
export function register(program: Command): void {
  program
    .command('trace [serial]')
    .description("a serial value's or a device's whole history: lot, reel, chip, job, image, every insertion, every value it held")
    .option('--device <LOT:REEL:SEQ>', 'trace one device by its position instead of a serial value')
    .option('--json', 'print as JSON (schema: docs/trace.schema.json)')
    .action(function (this: Command, serial: string | undefined, o: { device?: string; json?: boolean }) {
      if ((serial === undefined) === (o.device === undefined)) throw new UsageError('trace-usage', 'give a serial value or --device LOT:REEL:SEQ (one of them)');
      const r = withDb(this, (db) => (o.device !== undefined ? traceDevice(db, o.device) : traceSerial(db, serial!)));
      if (o.json) return printJson(r);
      for (const d of r.devices) showDevice(d);
      for (const v of r.unheld) say(`not held by any device now: ${valueLine(v)}`);
    });
}
