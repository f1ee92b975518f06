import { fs } from './node-fs.js';
import path from 'node:path';

/** One numbered schema migration read from a folder of `NNN_name.sql` files (station database or hub). */
export interface MigrationFile {
  version: number;
  name: string;
  /** The migration's SQL, read from its file the first time it is used. */
  readonly sql: string;
}

/**
 * The numbered migrations of a folder, in order; `outOfSequence` makes the error for a gap or a duplicate number. Only
 * the folder is listed here: a migration's file is read when its `sql` is first used, so opening a database that is
 * already at the newest version reads no SQL file.
 */
export function readMigrationFiles(dir: string, outOfSequence: (name: string, expected: number) => Error): MigrationFile[] {
  const list = fs
    .readdirSync(dir)
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort()
    .map((f) => migrationFile(path.join(dir, f)));
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw outOfSequence(m.name, i + 1);
  });
  return list;
}

/** One migration file: version and name from its file name, its SQL read on first use (and kept). */
function migrationFile(file: string): MigrationFile {
  const name = path.basename(file);
  let sql: string | undefined;
  return {
    version: Number(name.slice(0, 3)),
    name,
    get sql() {
      return (sql ??= fs.readFileSync(file, 'utf8'));
    },
  };
}
