import { DbError } from '../errors.js';

/** SQLite result codes that mean "the database cannot be written now", not a bug. */
const WRITE_FAILURES = /^SQLITE_(FULL|READONLY|BUSY|LOCKED|IOERR|CANTOPEN|PROTOCOL)/;

/** True when `e` is SQLite refusing a write (disk full, read-only file, lock timeout, I/O error). */
export function isDbWriteFailure(e: unknown): boolean {
  return typeof (e as { code?: unknown })?.code === 'string' && WRITE_FAILURES.test((e as { code: string }).code);
}

/** The error a run ends with when the database could not be written; `unrecorded` lists devices to program again. */
export function dbWriteFailed(cause: Error, unrecorded: string[]): DbError {
  const what = (cause as { code?: string }).code === 'SQLITE_FULL' ? 'the disk is full' : cause.message;
  const list = unrecorded.length
    ? ` ${unrecorded.length} device(s) of the last cycle could not be recorded and will be programmed again on resume: ${unrecorded.slice(0, 20).join(', ')}${unrecorded.length > 20 ? ', …' : ''}.`
    : '';
  return new DbError(
    'db-write-failed',
    `the database could not be written (${what}); programming stopped after the cycle in flight.${list} Free space or fix the file, then run the same command again: it resumes with nothing lost`,
    {},
    { cause: (cause as { code?: string }).code ?? cause.message, unrecorded },
  );
}

/** The error a run ends with when the database refused a write before any device was programmed. */
export function dbWriteFailedAtStart(cause: Error): DbError {
  const what = (cause as { code?: string }).code === 'SQLITE_FULL' ? 'the disk is full' : cause.message;
  return new DbError(
    'db-write-failed',
    `the database could not be written (${what}); no device was programmed. Free space or fix the file (read-only? locked by another program?), then run the same command again`,
    {},
    { cause: (cause as { code?: string }).code ?? cause.message, unrecorded: [] },
  );
}
