import fs from 'node:fs';
import Database from 'better-sqlite3';
import type { Db } from './open.js';
import { loadMigrations } from './migrations.js';
import { DbError } from '../errors.js';
import { DAMAGED, damaged, refuseNonDatabase } from './open.js';

/** Opens the database read-only for the dashboard (the runner, another process, is the writer). */
export function openReadOnly(file: string): Db {
  if (!fs.existsSync(file)) throw new DbError('db-missing', 'no such database; run `gangflash db init` first or pass --db PATH', { file });
  refuseNonDatabase(file); // an empty or non-SQLite file is a damaged database, as for every other command
  let db: Db | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw Object.assign(new Error(`quick_check: ${String(check)}`), { code: 'SQLITE_CORRUPT' });
  } catch (e) {
    db?.close();
    if (DAMAGED.test(String((e as { code?: unknown }).code))) throw damaged(file, (e as Error).message);
    throw new DbError('db-unreadable', `is not a readable gangflash database (${(e as Error).message})`, { file });
  }
  const version = db.pragma('user_version', { simple: true }) as number;
  const newest = loadMigrations().length;
  if (version !== newest) {
    db.close();
    throw new DbError(
      version > newest ? 'db-too-new' : 'db-not-migrated',
      version > newest
        ? `database schema version ${version} was written by a newer gangflash (this one knows up to ${newest}); upgrade gangflash`
        : `database schema version ${version} is older than this gangflash's ${newest}; run \`gangflash db init\` to migrate it, then serve`,
      { file },
    );
  }
  return db;
}
