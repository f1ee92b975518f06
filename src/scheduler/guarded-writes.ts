import { isDbWriteFailure } from './db-write.js';

/**
 * Database writes of a run that must not crash it: the first write SQLite refuses (disk full, read-only, lock
 * timeout) is kept as `failure`, later writes are skipped, and the run stops after the wave in flight.
 */
export class GuardedWrites {
  /** The first write failure, once one happened. */
  failure: Error | undefined;

  /** Runs a write; false when it (or an earlier one) failed. Errors that are not write failures are thrown. */
  run(fn: () => void): boolean {
    if (this.failure) return false;
    try {
      fn();
      return true;
    } catch (e) {
      if (!isDbWriteFailure(e)) throw e;
      this.failure = e as Error;
      return false;
    }
  }
}
