import fs from 'node:fs';
import { UsageError } from '../errors.js';

/**
 * Refuses an --out that writing the output would destroy: a folder, a pipe or a device (replaced by a regular file,
 * or waited on), or the database itself or its -wal/-shm (compared by device and inode, not by name).
 */
export function checkOutFile(target: string, db: string): void {
  const stat = (p: string) => fs.statSync(p, { throwIfNoEntry: false });
  const st = stat(target);
  if (st === undefined) return;
  if (!st.isFile()) throw new UsageError('bad-out', `--out ${target} is not a regular file (a folder, pipe or device); give the path of a file to write`);
  for (const p of [db, `${db}-wal`, `${db}-shm`]) {
    const ps = stat(p);
    if (ps && ps.dev === st.dev && ps.ino === st.ino) throw new UsageError('bad-out', `--out ${target} is the gangflash database (${p}); give another file for the output`);
  }
}

/** The user error for an --out file that could not be written (a missing or read-only folder, a full disk), or undefined for another error. */
export function outUnwritable(e: unknown, target: string): UsageError | undefined {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOSPC') {
    return new UsageError('out-unwritable', `cannot write the output (${code}); check that its folder exists and is writable, or give another --out`, { file: target });
  }
  return undefined;
}
