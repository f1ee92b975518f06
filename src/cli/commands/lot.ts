import type { Command } from 'commander';
import { lotState } from '../../lots/state.js';
import path from 'node:path';
import { withDb } from '../context.js';
import { printJson, say, table } from '../output.js';
import { importReels } from '../../lots/import.js';
import { showHubLot } from '../hub-lot.js';
import { listLots, lotCounters, lotReels, type LotCounters } from '../../lots/counters.js';
import { UsageError } from '../../errors.js';

const pct = (y: number | null) => (y === null ? '-' : `${(y * 100).toFixed(1)}%`);

const lotColumns = [
  { header: 'lot', get: (r: LotCounters) => r.lot },
  { header: 'job', get: (r: LotCounters) => r.job },
  { header: 'chip', get: (r: LotCounters) => r.chip },
  { header: 'status', get: (r: LotCounters) => r.status },
  { header: 'planned', get: (r: LotCounters) => r.planned, align: 'right' as const },
  { header: 'passed', get: (r: LotCounters) => r.passed, align: 'right' as const },
  { header: 'failed', get: (r: LotCounters) => r.failed, align: 'right' as const },
  { header: 'remaining', get: (r: LotCounters) => r.remaining, align: 'right' as const },
  { header: 'yield', get: (r: LotCounters) => pct(r.yield), align: 'right' as const },
];

/** `gangflash lot import|list|show`. */
export function register(program: Command): void {
  const lot = program.command('lot').description('reel lots: import from ERP/MES files, list, show counters');

  lot
    .command('import <file>')
    .description('import reels (CSV with header lot,reel,part,quantity,date_code,job; or JSON) in one transaction')
    .option('--json', 'print the result as JSON')
    .action(function (this: Command, file: string, opts: { json?: boolean }) {
      // `-` is no file: without this it is read as ./- and refused as "cannot read the file (ENOENT)".
      if (file === '-') throw new UsageError('import-stdin', 'reading reels from standard input is not supported; save them to a CSV or JSON file and give its path (a file named "-": ./-)');
      const r = withDb(this, (db) => importReels(db, path.resolve(file)));
      if (opts.json) return printJson(r);
      if (r.alreadyImported) return say(`${file} was imported before (sha256 ${r.digest.slice(0, 12)}…); nothing added`);
      say(`imported ${file}: ${r.reelsAdded} reel(s), ${r.devicesPlanned} device(s) planned; new lots: ${r.lotsAdded.join(', ') || 'none'}` +
        (r.reelsUnchanged ? `; ${r.reelsUnchanged} reel(s) already present, unchanged` : ''));
    });

  lot
    .command('list')
    .description('every lot with its counters')
    .option('--json', 'print as JSON')
    .action(function (this: Command, opts: { json?: boolean }) {
      const rows = withDb(this, (db) => listLots(db));
      if (opts.json) return printJson(rows);
      say(rows.length ? table(rows, lotColumns) : 'no lots yet; import one with `gangflash lot import FILE`');
    });

  lot
    .command('show <lot>')
    .description('one lot: counters (planned, passed, failed, remaining) and its reels')
    .option('--json', 'print as JSON')
    .option('--hub [url]', 'read the lot from the hub (every station) instead of this station\'s journal (default: $GANGFLASH_HUB)')
    .action(function (this: Command, id: string, opts: { json?: boolean; hub?: string | boolean }) {
      if (opts.hub) return showHubLot(this, id, !!opts.json);
      const { counters, reels, state } = withDb(this, (db) => {
        const c = lotCounters(db, id);
        return { counters: c, reels: lotReels(db, id), state: lotState(db, id, c.status) };
      });
      const shown = { ...counters, status: state.status };
      if (opts.json) return printJson({ ...shown, statusReason: state.reason, lastRun: state.lastRun, reelList: reels });
      say(table([shown], lotColumns));
      if (state.reason) say(`${state.status}: ${state.reason}`);
      if (state.lastRun) say(`last run by ${state.lastRun.operator}${state.lastRun.engineering ? ' (engineering run)' : ''}, started ${state.lastRun.startedAt}${state.lastRun.endedAt ? `, ended ${state.lastRun.endedAt}` : ''} (gangflash ${state.lastRun.gangflashVersion})`);
      say();
      say(table(reels, [
        { header: 'reel', get: (r) => r.reel },
        { header: 'part', get: (r) => r.part },
        { header: 'date code', get: (r) => r.dateCode },
        { header: 'quantity', get: (r) => r.quantity, align: 'right' },
        { header: 'passed', get: (r) => r.passed, align: 'right' },
        { header: 'failed', get: (r) => r.failed, align: 'right' },
      ]));
    });
}
