import type { Db } from '../db/open.js';

/** Passed and failed insertions of one site in one lot. */
export interface SiteCountRow {
  programmer: string;
  site: number;
  passed: number;
  failed: number;
}

/** Every site's passed and failed insertions (attempts) in a lot, read once when a run starts. */
export function siteCounts(db: Db, lot: string): SiteCountRow[] {
  return db
    .prepare(
      `SELECT p.name AS programmer, a.site AS site, sum(a.result = 'pass') AS passed, sum(a.result = 'fail') AS failed
       FROM attempts a JOIN programmers p ON p.id = a.programmer_id
       WHERE a.lot_id = ? GROUP BY a.programmer_id, a.site ORDER BY a.programmer_id, a.site`,
    )
    .all(lot) as SiteCountRow[];
}
