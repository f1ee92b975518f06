import path from 'node:path';
import type { Db } from '../db/open.js';
import { backupDir, makeFolder } from '../db/backup.js';

/** Writes a consistent copy of the database synchronously (VACUUM INTO); used before a migration changes it. */
export function backupDbSync(db: Db, dbFile: string, reason: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const dest = path.join(backupDir(dbFile), `${path.basename(dbFile, '.db')}-${stamp}-${reason}.db`);
  makeFolder(path.dirname(dest));
  db.prepare('VACUUM INTO ?').run(dest);
  return dest;
}
