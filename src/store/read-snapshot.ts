import type { Db } from '../db/open.js';
import { statements } from './statements.js';

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

const SYNC = {};

/** Runs the synchronous reads of `fn` in one read transaction (one snapshot of the database), returning what it returns. */
export function readSnapshot<T>(db: Db, fn: () => T): T {
  return statements(db, SYNC, (d) => d.transaction((f: () => unknown) => f())).deferred(fn) as T;
}
