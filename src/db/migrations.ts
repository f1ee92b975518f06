import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { DbError } from '../errors.js';
import { migrationsDir } from '../paths.js';

/** One numbered schema migration read from chipdb/migrations. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The migrations shipped with this gangflash, in order. */
export function loadMigrations(dir: string = migrationsDir): Migration[] {
  const list = fs
    .readdirSync(dir)
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f, sql: fs.readFileSync(path.join(dir, f), 'utf8') }));
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new DbError('migration-gap', `migration ${m.name} is out of sequence (expected ${i + 1})`);
  });
  return list;
}

/** Brings a database to the newest schema, each migration in its own transaction; refuses a newer database. */
export function migrate(db: Database.Database, file: string, migrations: Migration[] = loadMigrations()): { from: number; to: number } {
  const from = db.pragma('user_version', { simple: true }) as number;
  const newest = migrations.length;
  if (from > newest) {
    throw new DbError(
      'db-too-new',
      `database schema version ${from} was written by a newer gangflash (this one knows up to ${newest}); upgrade gangflash or use another --db`,
      { file },
    );
  }
  for (const m of migrations.slice(from)) {
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return { from, to: newest };
}
