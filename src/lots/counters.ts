import type { Db } from '../db/open.js';
import { UsageError } from '../errors.js';
import { yieldOf } from '../stats/yield-of.js';

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

const sql = `
SELECT l.id AS lot, j.name || '@' || j.version AS job, l.chip, l.status,
  (SELECT count(*) FROM reels r WHERE r.lot_id = l.id) AS reels,
  (SELECT coalesce(sum(quantity), 0) FROM reels r WHERE r.lot_id = l.id) AS planned,
  (SELECT coalesce(sum(t.passed), 0) FROM device_totals t WHERE t.lot_id = l.id) AS passed,
  (SELECT coalesce(sum(t.failed), 0) FROM device_totals t WHERE t.lot_id = l.id) AS failed
FROM lots l JOIN jobs j ON j.id = l.job_id`;

function withDerived(r: Omit<LotCounters, 'remaining' | 'yield'>): LotCounters {
  const done = r.passed + r.failed;
  return { ...r, remaining: r.planned - done, yield: yieldOf(r) };
}

/** Counters of every lot, newest first. */
export function listLots(db: Db): LotCounters[] {
  return (db.prepare(`${sql} ORDER BY l.created_at DESC, l.id`).all() as Omit<LotCounters, 'remaining' | 'yield'>[]).map(withDerived);
}

/** Counters of one lot; an unknown lot is a UsageError naming the known ones. */
export function lotCounters(db: Db, lot: string): LotCounters {
  const r = db.prepare(`${sql} WHERE l.id = ?`).get(lot) as Omit<LotCounters, 'remaining' | 'yield'> | undefined;
  if (!r) {
    const known = (db.prepare('SELECT id FROM lots ORDER BY created_at DESC LIMIT 5').all() as { id: string }[]).map((x) => x.id);
    throw new UsageError('unknown-lot', `no lot "${lot}"${known.length ? ` (recent lots: ${known.join(', ')})` : ''}; import it with \`gangflash lot import FILE\``);
  }
  return withDerived(r);
}

/** The reels of a lot with their per-reel counters. */
export function lotReels(db: Db, lot: string): { reel: string; part: string; quantity: number; dateCode: string; passed: number; failed: number }[] {
  return db
    .prepare(
      `SELECT r.reel_id AS reel, r.part, r.quantity, r.date_code AS dateCode,
        coalesce(t.passed, 0) AS passed, coalesce(t.failed, 0) AS failed
       FROM reels r LEFT JOIN device_totals t ON t.lot_id = r.lot_id AND t.reel_id = r.reel_id WHERE r.lot_id = ? ORDER BY r.reel_id`,
    )
    .all(lot) as { reel: string; part: string; quantity: number; dateCode: string; passed: number; failed: number }[];
}
