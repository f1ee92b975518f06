import { say, table } from './output.js';
import type { TracedDevice, TracedValue } from '../report/trace.js';

/** One serial value on one line: rule, value, state (reason) and the fields with the offsets they were written at. */
export function valueLine(v: TracedValue): string {
  const fields = v.fields.map((f) => `${f.name}=${f.text}${f.writes.length ? `@${f.writes.map((w) => `0x${w.offset.toString(16).toUpperCase()}`).join('+')}` : ''}`).join(' ');
  return `${v.rule} ${v.value}  ${v.state}${v.reason ? ` (${v.reason})` : ''}  ${fields}`;
}

/** Prints one traced device as `trace` does (the same for a station's database and for the hub). */
export function printTracedDevice(d: TracedDevice): void {
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
