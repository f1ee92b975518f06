import type { Db } from '../db/open.js';
import { LotHeldError, LotLease } from './lease.js';
import { ProgrammerLeases, type LeasedProgrammer } from './programmer-lease.js';
import type { Fence } from './fence.js';

/** Options of the leases a run takes. */
export interface RunLeaseOptions {
  /** Wait (checking every `heartbeatMs`) while the lot or a programmer is held by a live run, instead of refusing. @default false */
  wait?: boolean;
  /** Told once, with the holder, when the run starts waiting. */
  onWait?: (message: string) => void;
  /** Called once when the run finds its lot or a programmer taken by another run: it must stop at once. */
  onLost?: (e: Error) => void;
  /** Aborting ends a wait with the holder's error. */
  signal?: AbortSignal;
  /** A holder on another host is taken over once its heartbeat is older than this. @default 15000 */
  staleMs?: number;
  /** Heartbeat interval. @default 2000 */
  heartbeatMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Everything a run owns: its lot and the programmers it drives, both with one holder identity and heartbeat. Either
 * all are taken or none (a holder that is provably gone is taken over, noted in `tookOver`).
 */
export class RunLeases implements Fence {
  private stolen: Error | undefined;
  private lotLease!: LotLease;
  private programmers!: ProgrammerLeases;

  private constructor(private readonly opts: RunLeaseOptions) {}

  /** Takes the lot and its programmers, waiting while they are held when `wait` is set; throws LotHeldError otherwise. */
  static async acquire(db: Db, lot: string, programmers: LeasedProgrammer[], opts: RunLeaseOptions = {}): Promise<{ leases: RunLeases; tookOver: string[] }> {
    const leases = new RunLeases(opts);
    const lost = (e: Error) => {
      if (leases.stolen) return;
      leases.stolen = e;
      opts.onLost?.(e);
    };
    const common = { staleMs: opts.staleMs, heartbeatMs: opts.heartbeatMs, onLost: lost };
    let waiting = false;
    for (;;) {
      let lotLease: LotLease | undefined;
      try {
        // Read first, write after: a live holder of the lot, then of any of our programmers, is named before we wait on
        // its write lock (a holder stopped inside a transaction keeps it).
        LotLease.assertFree(db, lot, common);
        ProgrammerLeases.assertFree(db, programmers, common);
        const l = LotLease.acquire(db, lot, common);
        lotLease = l.lease;
        const p = ProgrammerLeases.acquire(db, l.lease.holder, lot, programmers, common);
        leases.lotLease = l.lease;
        leases.programmers = p.leases;
        return { leases, tookOver: [...(l.tookOver ? [l.tookOver] : []), ...p.tookOver] };
      } catch (e) {
        lotLease?.release();
        if (!(e instanceof LotHeldError) || !opts.wait || opts.signal?.aborted) throw e;
        if (!waiting) opts.onWait?.(`${e.message.replace(/; .*$/, '')}; waiting for it (Ctrl-C to give up)`);
        waiting = true;
        await sleep(opts.heartbeatMs ?? 2_000);
        if (opts.signal?.aborted) throw e;
      }
    }
  }

  get epochs(): ReadonlyMap<number, number> {
    return this.programmers.epochs;
  }

  get lost(): Error | undefined {
    return this.stolen;
  }

  check(): boolean {
    if (this.stolen) return false;
    if (!this.programmers.check()) return false;
    if (!this.lotLease.held()) {
      this.stolen = new LotHeldError('lease-lost', 'the lease of the lot was taken by another run while this one was not running (paused or stalled)');
      this.opts.onLost?.(this.stolen);
    }
    return !this.stolen;
  }

  /** Gives the programmers and the lot up (rows that another run took are left alone). */
  release(): void {
    this.programmers.release();
    this.lotLease.release();
  }
}
