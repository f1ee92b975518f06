import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDb } from '../src/db/open.js';
import { loadMigrations, migrate } from '../src/db/migrations.js';
import { migrationsDir } from '../src/paths.js';
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

  it('a database at the newest version is opened without reading any migration SQL; an older one reads what it applies', () => {
    const copy = path.join(dir, 'migrations');
    fs.cpSync(migrationsDir, copy, { recursive: true });
    const file = path.join(dir, 'current.db');
    openDb(file).close();
    const listed = loadMigrations(copy);
    const names = fs.readdirSync(copy).filter((f) => f.endsWith('.sql'));
    for (const f of names) fs.rmSync(path.join(copy, f));
    const db = openDb(file, { migrate: false });
    expect(migrate(db, file, listed)).toEqual({ from: names.length, to: names.length });
    db.pragma('user_version = 1');
    expect(() => migrate(db, file, listed)).toThrowError(/ENOENT/);
    db.close();
  });

  it('a file that is not a database is refused with its path', () => {
    const file = path.join(dir, 'garbage.db');
    fs.writeFileSync(file, Buffer.alloc(8192, 0x5a));
    expect(() => openDb(file)).toThrowError(expect.objectContaining({ code: 'db-damaged', file, message: expect.stringMatching(/^is not a readable gangflash database/) }));
  });
});
