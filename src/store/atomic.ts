import type { Db } from '../db/open.js';
import { statements } from './statements.js';

const FAMILY = {};

/** One transaction function per connection that runs the steps it is given (so no wrapper is built per call). */
function runner(db: Db) {
  return statements(db, FAMILY, (d) => d.transaction((steps: () => unknown) => steps()));
}

/**
 * Runs `steps` as one transaction: every write they make through the store commits together, or none does when they
 * throw. Inside another transaction it is a savepoint of it. The store does the SQL; `steps` hold the decisions.
 * It takes the write lock at once (BEGIN IMMEDIATE): a deferred transaction that reads and then writes fails at
 * once with "database is locked" when another connection (the MES publisher thread, another command) committed in
 * between, whereas BEGIN IMMEDIATE waits its turn under the busy timeout.
 */
export function atomically<T>(db: Db, steps: () => T): T {
  return runner(db).immediate(steps) as T;
}

/** As `atomically`, but takes the write lock at once (BEGIN IMMEDIATE): for read-then-write steps racing other writers. */
export function atomicallyNow<T>(db: Db, steps: () => T): T {
  return runner(db).immediate(steps) as T;
}
