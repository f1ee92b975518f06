import { DbError } from '../errors.js';

/** SQLite result codes that mean the storage refused a write (full, read-only, locked, I/O), not a bug or damage. */
const SQLITE_WRITE = /^SQLITE_(FULL|READONLY|BUSY|LOCKED|IOERR|CANTOPEN|PROTOCOL|PERM)/;

/** File-system errors that mean the same for a file gangflash writes (a backup, the database's folder). */
const ERRNO_WRITE = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EIO', 'EPERM', 'EACCES', 'EBUSY']);

/** True when `e` is the storage refusing a write: SQLite's write failures, or a file system's (ENOSPC, EROFS, EPERM …). */
export function isStorageFailure(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  if (typeof code !== 'string') return false;
  return SQLITE_WRITE.test(code) || (ERRNO_WRITE.has(code) && (e as { syscall?: unknown }).syscall !== undefined);
}

/** Plain words for a storage failure's code. */
function why(e: Error & { code?: string; path?: string }): string {
  const code = e.code ?? '';
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT' || /disk is full|database or disk is full/i.test(e.message)) return 'the disk is full';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'database is locked by another program';
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS') return 'read-only: the file, its folder or its file system refuses writes';
  if (code === 'EPERM' || code === 'EACCES') return `permission denied${e.path ? ` on ${e.path}` : ''} (read-only or immutable)`;
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO') return `I/O error: ${e.message}`;
  return e.message;
}

/**
 * The one error every command ends with when the storage refused a write (exit code of a database write failure):
 * one line saying what failed, that nothing was changed, and what to do. `file` is the database or file written.
 */
export function storageFailed(e: unknown, file?: string): DbError {
  const err = e as Error & { code?: string; path?: string };
  const target = file ?? err.path;
  // A file-system error has its own file (a backup, a report), named in front of the message: not "the database".
  const what = err.path ? 'the file could not be written' : 'the database could not be written';
  return new DbError(
    'db-write-failed',
    `${what} (${why(err)}); nothing was changed. Free space or fix the file (read-only? immutable? locked by another program?), then run the same command again`,
    target ? { file: target } : {},
    { cause: err.code ?? err.message },
  );
}
