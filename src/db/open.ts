import { fs } from '../node-fs.js';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DbError, UsageError } from '../errors.js';
import { migrate, loadMigrations } from './migrations.js';
import { lastGoodBackup } from './backup.js';
import { assertSqliteLoads } from './native.js';

/** A gangflash database handle (better-sqlite3, WAL, foreign keys on). */
export type Db = Database.Database;

/** Options for opening the database. */
export interface OpenOptions {
  /** Create the file when it does not exist. @default true */
  create?: boolean;
  /** Apply pending migrations. @default true */
  migrate?: boolean;
  /**
   * Read every page with SQLite's quick_check before use (cost grows with the database: ~1 s at a million devices).
   * Without it only the header and the schema are read; `db check`, `db backup`, `serve` and a `run` after an unclean
   * close verify. @default false
   */
  verify?: boolean;
  /**
   * Most KiB of database pages this connection keeps in memory (SQLite's page cache; the pages it drops are read from
   * the file again when needed). @default better-sqlite3's 16000
   */
  cacheKiB?: number;
  /** Called before a migration changes an existing database (e.g. to take a backup). */
  beforeMigrate?: (db: Db, from: number, to: number) => void;
}

/** The database path: --db, else GANGFLASH_DB, else ./gangflash.db. */
export function resolveDbPath(flag?: string): string {
  return path.resolve(chosenDbPath(flag) ?? 'gangflash.db');
}

/**
 * The database path as set by --db, else GANGFLASH_DB, else undefined. An empty one is refused: path.resolve('') is
 * the current folder, which a user who typed `--db ""` (or `--db "$UNSET_VAR"`) never meant.
 */
export function chosenDbPath(flag?: string): string | undefined {
  if (flag === '') throw new UsageError('bad-option', '--db is empty; give the path of a gangflash database, or leave --db out to use $GANGFLASH_DB or ./gangflash.db');
  const env = flag === undefined ? process.env.GANGFLASH_DB : undefined;
  if (env === '') throw new UsageError('bad-option', 'GANGFLASH_DB is empty; set it to the path of a gangflash database, or unset it to use ./gangflash.db');
  return flag ?? env;
}

/** How long a write waits for another connection's lock before failing: GANGFLASH_LOCK_WAIT_MS, default 5000. */
function lockWaitMs(): number {
  const raw = process.env.GANGFLASH_LOCK_WAIT_MS;
  const v = raw ? Number(raw) : NaN;
  return Number.isInteger(v) && v >= 0 ? v : 5000;
}

/** Opens (and by default creates and migrates) the gangflash database at `file`. */
export function openDb(file: string, opts: OpenOptions = {}): Db {
  const create = opts.create ?? true;
  if (!create && !fs.existsSync(file)) {
    throw new DbError('db-missing', 'no such database; run `gangflash db init` first or pass --db PATH', { file });
  }
  if (fs.existsSync(file)) refuseNonDatabase(file);
  else if (fs.statSync(path.dirname(file), { throwIfNoEntry: false })?.isDirectory() !== true) {
    throw new DbError('db-folder-missing', `the folder ${path.dirname(file)} does not exist (or is not a folder); create it first or pass another --db`, { file });
  }
  assertSqliteLoads();
  let db: Db | undefined;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${lockWaitMs()}`);
    if (opts.cacheKiB !== undefined) db.pragma(`cache_size = ${-Math.max(1, Math.round(opts.cacheKiB))}`);
    // Cheap at any size: the header was read above and the schema is read here; a damaged schema page shows now.
    db.prepare('SELECT count(*) FROM sqlite_master').pluck().get();
    if (opts.verify) verifyPages(db);
  } catch (e) {
    db?.close();
    const code = (e as { code?: string }).code ?? '';
    if (UNWRITABLE.test(code)) throw unwritable(file, (e as Error).message);
    if (DAMAGED.test(code) || e instanceof QuickCheckFailed) throw damaged(file, (e as Error).message);
    throw e;
  }
  if (opts.migrate ?? true) {
    const migrations = loadMigrations();
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current < migrations.length && current > 0) opts.beforeMigrate?.(db, current, migrations.length);
    try {
      migrate(db, file, migrations);
    } catch (e) {
      db.close();
      throw e;
    }
  }
  return db;
}

/** The first 16 bytes of every SQLite 3 database file (https://www.sqlite.org/fileformat.html, "The Database Header"). */
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Refuses an existing --db path that is not a database before SQLite sees it: not a regular file, empty (a database
 * truncated to zero is a lost database, never one to initialise again), or not starting with SQLite's header.
 */
export function refuseNonDatabase(file: string): void {
  const st = fs.statSync(file);
  if (!st.isFile()) throw new DbError('db-not-a-file', 'is not a regular file (a directory, device or pipe); pass --db with the path of a gangflash database', { file });
  if (st.size === 0) throw damaged(file, 'the file is empty: 0 bytes');
  const head = Buffer.alloc(SQLITE_HEADER.length);
  const fd = fs.openSync(file, 'r');
  let n: number;
  try {
    n = fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (n < head.length || !head.equals(SQLITE_HEADER)) throw damaged(file, 'not an SQLite database: the file does not start with "SQLite format 3"');
}

/** SQLite's own answers for a file that is not a database or is corrupt: the only ones reported as damage. */
export const DAMAGED = /^SQLITE_(CORRUPT|NOTADB)/;

/** quick_check found damage in a file SQLite could open. */
class QuickCheckFailed extends Error {}

/** Reads every page with SQLite's quick_check; throws when it finds damage (mapped to db-damaged by the caller). */
function verifyPages(db: Db): void {
  const check = db.pragma('quick_check', { simple: true });
  if (check !== 'ok') throw new QuickCheckFailed(`quick_check: ${String(check)}`);
}

/** Runs quick_check on an open database: a DbError `db-damaged` naming the last good backup when it finds damage. */
export function verifyDb(db: Db, file: string): void {
  try {
    verifyPages(db);
  } catch (e) {
    if (DAMAGED.test((e as { code?: string }).code ?? '') || e instanceof QuickCheckFailed) throw damaged(file, (e as Error).message);
    throw e;
  }
}

/** True when `e` is SQLite saying a file is damaged or not a database (SQLITE_CORRUPT, SQLITE_NOTADB). */
export function isDamage(e: unknown): boolean {
  return DAMAGED.test((e as { code?: string })?.code ?? '');
}

/** SQLite codes at open that mean the file or its disk cannot be written (full, read-only, I/O), not that it is damaged. */
const UNWRITABLE = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|BUSY)/;

/** The error for a database whose disk or file refuses writes at open (exit code of a database write failure). */
function unwritable(file: string, why: string): DbError {
  return new DbError(
    'db-write-failed',
    `could not be opened for writing (${why}): is the disk full, or the file or its folder read-only? Free space or fix the permissions, then run the same command again; nothing was changed`,
    { file },
  );
}

/** The error for a damaged database, naming the newest good backup. */
export function damaged(file: string, why: string): DbError {
  const backup = lastGoodBackup(file);
  const hint = backup ? `the last good backup is ${backup}: copy it over this file to restore` : 'no backup was found; pass another --db';
  const said = why.replace(/\s+/g, ' ').trim(); // quick_check lists one problem a line: one line for the user
  const short = said.length > 200 ? `${said.slice(0, 200)}…` : said;
  return new DbError('db-damaged', `is not a readable gangflash database (${short}); ${hint}`, { file }, { backup, why });
}
