import { fs } from '../node-fs.js';
import path from 'node:path';
import Database from 'better-sqlite3';

/** Folder where backups of `dbFile` are kept: `<db>.backups/` beside it. */
export function backupDir(dbFile: string): string {
  return `${dbFile}.backups`;
}

/** Creates a backup folder; the file system's own refusal (EROFS, ENOSPC, EPERM) is what is thrown, not ENOENT. */
export function makeFolder(dir: string): void {
  if (fs.existsSync(path.dirname(dir))) {
    try {
      fs.mkdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  } else fs.mkdirSync(dir, { recursive: true });
}

/** Copies a live database with SQLite's online backup API; returns the backup's path. */
export async function backupDb(db: Database.Database, dbFile: string, to?: string): Promise<string> {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const dest = to ? path.resolve(to) : path.join(backupDir(dbFile), `${path.basename(dbFile, '.db')}-${stamp}.db`);
  makeFolder(path.dirname(dest));
  await db.backup(dest);
  return dest;
}

/** Backups of `dbFile`, newest first. */
export function listBackups(dbFile: string): string[] {
  const dir = backupDir(dbFile);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.db'))
    .map((f) => path.join(dir, f))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
}

/** The newest backup that passes SQLite's quick_check, or null. */
export function lastGoodBackup(dbFile: string): string | null {
  for (const f of listBackups(dbFile)) {
    try {
      const b = new Database(f, { readonly: true, fileMustExist: true });
      const ok = b.pragma('quick_check', { simple: true }) === 'ok';
      b.close();
      if (ok) return f;
    } catch {
      // a damaged backup is skipped
    }
  }
  return null;
}
