import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDb } from '../src/db/open.js';
import { loadMigrations } from '../src/db/migrations.js';
import { DbError } from '../src/errors.js';
import { tmpDir } from './helpers/tmp.js';

const dir = tmpDir();

describe('database migrations', () => {
  it('a new database is created at the newest schema version in WAL mode with foreign keys on', () => {
    const db = openDb(path.join(dir, 'new.db'));
    expect(db.pragma('user_version', { simple: true })).toBe(loadMigrations().length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('an older database is migrated on open and keeps its rows', () => {
    const file = path.join(dir, 'old.db');
    const raw = new Database(file);
    raw.exec(loadMigrations()[0].sql);
    raw.pragma('user_version = 1');
    raw.prepare("INSERT INTO programmer_families VALUES ('x', '[]', 'x')").run();
    raw.close();
    let seen: [number, number] | undefined;
    const db = openDb(file, { beforeMigrate: (_d, from, to) => (seen = [from, to]) });
    expect(seen).toEqual([1, loadMigrations().length]);
    expect(db.pragma('user_version', { simple: true })).toBe(loadMigrations().length);
    expect(db.prepare('SELECT count(*) n FROM programmer_families').get()).toEqual({ n: 1 });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'attempts'").get()).toBeTruthy();
    db.close();
  });

  it('a database from a newer gangflash is refused with a clear message', () => {
    const file = path.join(dir, 'newer.db');
    const raw = new Database(file);
    raw.pragma('user_version = 999');
    raw.close();
    expect(() => openDb(file)).toThrowError(DbError);
    expect(() => openDb(file)).toThrowError(/newer gangflash/);
  });

  it('a file that is not a database is refused with its path', () => {
    const file = path.join(dir, 'garbage.db');
    fs.writeFileSync(file, Buffer.alloc(8192, 0x5a));
    expect(() => openDb(file)).toThrowError(/garbage\.db is not a readable gangflash database/);
  });
});
