import crypto from 'node:crypto';
import type { Db } from '../db/open.js';
import { GangflashError } from '../errors.js';
import { holderGone, thisProcess } from './holder.js';
import { beatLotLease, dropLotLease, lotLease, lotLeaseHolder, takeLotLease, type LotLeaseRow } from '../store/leases.js';

/** Options of a lot lease. */
export interface LeaseOptions {
  /** A holder whose heartbeat is older than this is taken over. @default 15000 */
  staleMs?: number;
  /** How often the holder renews its heartbeat. @default 2000 */
  heartbeatMs?: number;
  /** Called once when a heartbeat finds that another run took the lot over (the holder should stop). @default none */
  onLost?: (e: Error) => void;
}

/** The lot (or a programmer it needs) is held by another live run. */
export class LotHeldError extends GangflashError {}

/** The error naming the live run that holds `lot`. */
function lotHeld(lot: string, cur: LotLeaseRow): LotHeldError {
  const age = Date.now() - cur.heartbeatAt;
  return new LotHeldError(
    'lot-held',
    `lot ${lot} is being run by pid ${cur.pid} on ${cur.host} (since ${cur.acquiredAt}, heartbeat ${Math.round(age / 1000)} s ago); wait for it to finish (or run with --wait) or stop it there`,
  );
}

/**
 * One owner per lot: a row in lot_leases taken in an IMMEDIATE transaction. A second run is refused with who holds
 * the lot; a holder is taken over only when provably gone (src/scheduler/holder.ts): on this host its process no
 * longer exists with the same start, elsewhere its heartbeat is older than `staleMs`. A paused holder is never gone.
 */
export class LotLease {
  readonly holder = crypto.randomUUID();
  private timer: NodeJS.Timeout | undefined;
  /** Set when a heartbeat could not be written (the run should stop). */
  lost: Error | undefined;
  private stolen = false;

  private constructor(private readonly db: Db, private readonly lot: string, private readonly opts: Required<Omit<LeaseOptions, 'onLost'>> & LeaseOptions) {}

  /** Takes the lease of `lot` or throws LotHeldError naming the holder; returns the takeover note when a dead holder was replaced. */
  /** Reads (writes nothing) whether a live run holds `lot`, and throws `lot-held` naming it. */
  static assertFree(db: Db, lot: string, options: LeaseOptions = {}): void {
    const cur = lotLease(db, lot);
    if (cur && holderGone(cur, options.staleMs ?? 15_000) === null) throw lotHeld(lot, cur);
  }

  static acquire(db: Db, lot: string, options: LeaseOptions = {}): { lease: LotLease; tookOver: string | null } {
    const opts = { staleMs: options.staleMs ?? 15_000, heartbeatMs: options.heartbeatMs ?? 2_000, onLost: options.onLost };
    const lease = new LotLease(db, lot, opts);
    const me = thisProcess();
    let tookOver: string | null = null;
    // Judged once before the write transaction too: a live holder stopped inside a transaction (SIGSTOP) keeps the
    // write lock, and the second run must be told who holds the lot, not wait for the lock and fail as "locked".
    const judge = () => {
      const cur = lotLease(db, lot);
      if (cur) {
        const gone = holderGone(cur, opts.staleMs);
        if (gone === null) throw lotHeld(lot, cur);
        tookOver = `took over lot ${lot} from pid ${cur.pid} on ${cur.host}, which stopped without releasing it (${gone})`;
      }
    };
    judge();
    takeLotLease(db, lot, { ...me, holder: lease.holder }, judge);
    lease.timer = setInterval(() => lease.beat(), opts.heartbeatMs);
    lease.timer.unref();
    return { lease, tookOver };
  }

  /** Renews the heartbeat without waiting on a lock; notes (does not throw) when the database cannot be written. */
  beat(): void {
    try {
      if (!beatLotLease(this.db, this.lot, this.holder) && !this.stolen) {
        this.stolen = true;
        this.lost = new Error(`the lease of lot ${this.lot} was taken by another run`);
        this.opts.onLost?.(this.lost);
      }
    } catch (e) {
      this.lost = e as Error;
    }
  }

  /** True while the lot's lease row still names this run (read now). */
  held(): boolean {
    return lotLeaseHolder(this.db, this.lot) === this.holder;
  }

  /** Gives the lot up. */
  release(): void {
    if (this.timer) clearInterval(this.timer);
    try {
      dropLotLease(this.db, this.lot, this.holder);
    } catch {
      // The database may be unwritable (disk full); a stale lease is taken over by the next run.
    }
  }
}
