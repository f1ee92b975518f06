import type { Db } from '../db/open.js';

const perConnection = new WeakMap<Db, Map<object, unknown>>();

/**
 * The prepared statements of one store family on one connection: `prepare` runs the first time a family is used on
 * a connection, and every later call returns the same statements.
 */
export function statements<T>(db: Db, family: object, prepare: (db: Db) => T): T {
  let families = perConnection.get(db);
  if (!families) perConnection.set(db, (families = new Map()));
  let s = families.get(family) as T | undefined;
  if (s === undefined) families.set(family, (s = prepare(db)));
  return s;
}
