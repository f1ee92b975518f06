import { isDbWriteFailure } from './db-write.js';
import { isLeaseLost } from './fence.js';

/**
 * Database writes of a run that must not crash it: the first write SQLite refuses (disk full, read-only, lock
 * timeout) is kept as `failure`, later writes are skipped, and the run stops after the wave in flight.
 */
export class GuardedWrites {
  /** The first write failure, once one happened. */
  failure: Error | undefined;
  /** Set when the failure is the database refusing a stale lease epoch (the run lost its programmers). */
  leaseLost = false;

  /** Stops every later write: the run lost its lease and must record nothing more. */
  stop(e: Error): void {
    this.failure ??= e;
    this.leaseLost = true;
  }

  /** Runs a write; false when it (or an earlier one) failed. Errors that are not write failures are thrown. */
  run(fn: () => void): boolean {
    if (this.failure) return false;
    try {
      fn();
      return true;
    } catch (e) {
      if (isLeaseLost(e)) {
        this.stop(e as Error);
        return false;
      }
      if (!isDbWriteFailure(e)) throw e;
      this.failure = e as Error;
      return false;
    }
  }
}
