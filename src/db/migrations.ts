import type Database from 'better-sqlite3';
import { DbError } from '../errors.js';
import { migrationsDir } from '../paths.js';
import { readMigrationFiles, type MigrationFile } from '../migration-files.js';

/** One numbered schema migration read from chipdb/migrations. */
export type Migration = MigrationFile;

/** The migrations shipped with this gangflash, in order. */
export function loadMigrations(dir: string = migrationsDir): Migration[] {
  return readMigrationFiles(dir, (name, expected) => new DbError('migration-gap', `migration ${name} is out of sequence (expected ${expected})`));
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
