import type { Db } from '../db/open.js';

/**
 * Runs `fn` in one read transaction, so every read it makes, across awaits (a report's aggregates and then its
 * device walk while the output drains), sees the same state of the database even while a run writes to it.
 */
export async function inReadSnapshot<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  db.exec('BEGIN');
  let out: T;
  try {
    out = await fn();
  } catch (e) {
    // Only reads happened: end the transaction if the connection allows it, and report the original failure.
    try {
      if (db.inTransaction) db.exec('ROLLBACK');
    } catch {
      // a walk still open keeps the connection busy; closing the database ends the transaction
    }
    throw e;
  }
  db.exec('COMMIT');
  return out;
}
