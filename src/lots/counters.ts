import type { Db } from '../db/open.js';
import { UsageError } from '../errors.js';
import { yieldOf } from '../stats/yield-of.js';
import { lotCountRow, lotCountRows, reelCountRows, recentLotIds } from '../store/lots.js';
import type { ReelCountRow } from '../records/reel-counts.js';

/** A lot's counters, all derived from its reels and device rows. */
export interface LotCounters {
  lot: string;
  job: string;
  chip: string;
  status: string;
  reels: number;
  planned: number;
  passed: number;
  failed: number;
  remaining: number;
  /** passed / (passed + failed); null before any device finished. */
  yield: number | null;
}

function withDerived(r: Omit<LotCounters, 'remaining' | 'yield'>): LotCounters {
  const done = r.passed + r.failed;
  return { ...r, remaining: r.planned - done, yield: yieldOf(r) };
}

/** A lot's status on the hub, from its reels: done when every reel is, running while a station holds one, else open. */
export function hubLotStatus(reels: { total: number; held: number; done: number }): string {
  return reels.done === reels.total ? 'done' : reels.held > 0 ? 'running' : 'open';
}

/** A lot's counters from its counts and status (either engine's), with what is left and its yield. */
export function countersOf(r: Omit<LotCounters, 'remaining' | 'yield'>): LotCounters {
  return withDerived(r);
}

/** Counters of every lot, newest first. */
export function listLots(db: Db): LotCounters[] {
  return lotCountRows(db).map(withDerived);
}

/** Counters of one lot; an unknown lot is a UsageError naming the known ones. */
export function lotCounters(db: Db, lot: string): LotCounters {
  const r = lotCountRow(db, lot);
  if (!r) {
    const known = recentLotIds(db, 5);
    throw new UsageError('unknown-lot', `no lot "${lot}"${known.length ? ` (recent lots: ${known.join(', ')})` : ''}; import it with \`gangflash lot import FILE\``);
  }
  return withDerived(r);
}

/** The reels of a lot with their per-reel counters. */
export function lotReels(db: Db, lot: string): ReelCountRow[] {
  return reelCountRows(db, lot);
}
