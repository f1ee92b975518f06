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

/**
 * The user error for an --out file whose folder does not exist (or is a file), or undefined for another error: a
 * storage that refuses the write (full, read-only, permission) stays a storage failure, exit 5, as for every command.
 */
export function outUnwritable(e: unknown, target: string): UsageError | undefined {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new UsageError('out-unwritable', `cannot write the output (${code}): its folder does not exist; create it or give another --out`, { file: target });
  }
  return undefined;
}
