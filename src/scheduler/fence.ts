import { LotHeldError } from './lease.js';

/** What a run needs of its programmer leases: the epoch to write with, and whether they are still its own. */
export interface Fence {
  /** Lease epoch of each programmer id the run holds. */
  readonly epochs: ReadonlyMap<number, number>;
  /** True while every programmer is still the run's (reads the lease rows). */
  check(): boolean;
  /** Set once the run is known to have lost a programmer. */
  readonly lost: Error | undefined;
}

/** True when the database refused an attempt write because its programmer lease epoch is stale (migration 005). */
export function isLeaseLost(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown };
  return typeof err?.code === 'string' && err.code.startsWith('SQLITE_CONSTRAINT') && typeof err.message === 'string' && err.message.startsWith('lease-lost');
}

/** The error a run ends with when it lost a programmer's lease: nothing more was recorded. */
export function leaseLostError(cause: Error): LotHeldError {
  const why = isLeaseLost(cause) ? 'the database refused a write under this run\'s lease epoch: another run took its programmers' : cause.message;
  return new LotHeldError(
    'lease-lost',
    `${why}; this run stopped at once and recorded nothing more (its devices in the sockets are programmed again by the run that holds the programmers now)`,
  );
}
