import fs from 'node:fs';
import path from 'node:path';

/** One numbered schema migration read from a folder of `NNN_name.sql` files (station database or hub). */
export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
}

/** The numbered migrations of a folder, in order; `outOfSequence` makes the error for a gap or a duplicate number. */
export function readMigrationFiles(dir: string, outOfSequence: (name: string, expected: number) => Error): MigrationFile[] {
  const list = fs
    .readdirSync(dir)
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f, sql: fs.readFileSync(path.join(dir, f), 'utf8') }));
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw outOfSequence(m.name, i + 1);
  });
  return list;
}
