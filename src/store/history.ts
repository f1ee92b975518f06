import type { Db } from '../db/open.js';
import { statements } from './statements.js';

const DURATION = "(unixepoch(x.ended_at, 'subsec') - unixepoch(x.started_at, 'subsec'))";
const FAMILY = { name: 'history' };

const prepare = (db: Db) => {
  const lots = (where: string) => db.prepare(`SELECT l.id FROM lots l JOIN jobs j ON j.id = l.job_id WHERE ${where} ORDER BY l.created_at DESC, l.rowid DESC`).pluck();
  return {
    lotsOfChip: lots('l.chip = ?'),
    lotsOfChipImage: lots('l.chip = ? AND j.image_sha256 = ?'),
    // Finished attempts only: an interrupted or in-socket insertion has no meaningful duration.
    durations: db.prepare(`SELECT ${DURATION} AS d FROM attempts x WHERE x.lot_id = ? AND x.result IN ('pass', 'fail') LIMIT ?`).pluck(),
  };
};

/** The lots of a chip (and, when given, of one image), newest first. */
export function lotsOfChip(db: Db, part: string, sha256?: string): string[] {
  const s = statements(db, FAMILY, prepare);
  return (sha256 === undefined ? s.lotsOfChip.all(part) : s.lotsOfChipImage.all(part, sha256)) as string[];
}

/** Durations in seconds of at most `limit` finished attempts of a lot (read through the lot's own index range). */
export function attemptDurations(db: Db, lot: string, limit: number): number[] {
  return statements(db, FAMILY, prepare).durations.all(lot, limit) as number[];
}
