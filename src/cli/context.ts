import type { Command } from 'commander';
import { openDb, resolveDbPath, type Db, type OpenOptions } from '../db/open.js';

/** Global options every command sees. */
export interface GlobalOptions {
  db?: string;
}

/** The database path chosen by --db / GANGFLASH_DB / default. */
export function dbPath(cmd: Command): string {
  return resolveDbPath((cmd.optsWithGlobals() as GlobalOptions).db);
}

/** Opens the database for a command; `create: false` refuses a missing file with a hint to run db init. */
export function withDb<T>(cmd: Command, fn: (db: Db) => T, opts: OpenOptions = { create: false }): T {
  const db = openDb(dbPath(cmd), opts);
  try {
    const out = fn(db);
    if (out instanceof Promise) {
      return out.finally(() => db.close()) as T;
    }
    db.close();
    return out;
  } catch (e) {
    db.close();
    throw e;
  }
}
