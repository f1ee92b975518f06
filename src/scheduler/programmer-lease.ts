import type { Db } from '../db/open.js';
import { LotHeldError } from './lease.js';
import { describeHolder, holderGone, thisProcess } from './holder.js';
import { beatProgrammerLeases, dropProgrammerLeases, programmerLease, programmersHeldBy, takeProgrammerLeases, type ProgrammerLeaseRow } from '../store/leases.js';

/** A programmer a run wants to drive. */
export interface LeasedProgrammer {
  id: number;
  name: string;
}

/** Options of the programmer leases of a run. */
export interface ProgrammerLeaseOptions {
  /** A holder on another host whose heartbeat is older than this is taken over. @default 15000 */
  staleMs?: number;
  /** How often the holder renews its heartbeat. @default 2000 */
  heartbeatMs?: number;
  /** Called once when the run finds that another run took one of its programmers (it must stop at once). */
  onLost?: (e: Error) => void;
}

/**
 * One run per programmer, whatever the lots: a row per programmer in programmer_leases, taken for all of a run's
 * programmers at once in an IMMEDIATE transaction. Each acquisition raises the programmer's epoch; every attempt is
 * written with it and the database refuses a stale one (migration 005), so a run that lost a programmer can never
 * record on it. A holder is taken over only when provably gone (src/scheduler/holder.ts).
 */
export class ProgrammerLeases {
  private timer: NodeJS.Timeout | undefined;
  private stolen = false;
  /** Set once the run is known to have lost a programmer (or its heartbeat could not be written). */
  lost: Error | undefined;

  private constructor(
    private readonly db: Db,
    /** The run's unique holder id (the lot lease's). */
    readonly holder: string,
    /** Lease epoch of each programmer id this run holds. */
    readonly epochs: Map<number, number>,
    private readonly names: Map<number, string>,
    private readonly opts: ProgrammerLeaseOptions,
  ) {}

  /** Takes every programmer for `lot` or throws LotHeldError (`programmer-held`) naming a live holder; notes takeovers. */
  /**
   * Reads (writes nothing) whether a live run holds one of `programmers`, and throws `programmer-held` naming it: called
   * before any write of a new run, so a holder stopped inside a transaction (keeping the write lock) is named, not
   * met as a locked database.
   */
  static assertFree(db: Db, programmers: LeasedProgrammer[], opts: ProgrammerLeaseOptions = {}): void {
    for (const p of programmers) {
      const cur = programmerLease(db, p.id);
      if (!cur || cur.holder === null) continue;
      if (holderGone(cur, opts.staleMs ?? 15_000) === null) {
        throw new LotHeldError(
          'programmer-held',
          `programmer ${p.name} is driven by ${describeHolder(cur)} for lot ${cur.lotId} since ${cur.acquiredAt}; a programmer serves one run at a time: wait for that run to finish (or run with --wait), or stop it there`,
        );
      }
    }
  }

  static acquire(db: Db, holder: string, lot: string, programmers: LeasedProgrammer[], opts: ProgrammerLeaseOptions = {}): { leases: ProgrammerLeases; tookOver: string[] } {
    const staleMs = opts.staleMs ?? 15_000;
    const me = thisProcess();
    const tookOver: string[] = [];
    /** Throws when a live run holds `p`; returns the takeover note when its holder is provably gone. */
    const judge = (p: LeasedProgrammer, cur: ProgrammerLeaseRow | undefined): string | null => {
      if (!cur || cur.holder === null || cur.holder === holder) return null;
      const gone = holderGone(cur, staleMs);
      if (gone === null) {
        throw new LotHeldError(
          'programmer-held',
          `programmer ${p.name} is driven by ${describeHolder(cur)} for lot ${cur.lotId} since ${cur.acquiredAt}; a programmer serves one run at a time: wait for that run to finish (or run with --wait), or stop it there`,
        );
      }
      return `took over programmer ${p.name} from pid ${cur.pid} on ${cur.host} (lot ${cur.lotId}): ${gone}`;
    };
    // Judged before the write transaction too: a holder stopped inside a transaction keeps the write lock.
    for (const p of programmers) judge(p, programmerLease(db, p.id));
    const byId = new Map(programmers.map((p) => [p.id, p]));
    const epochs = takeProgrammerLeases(db, programmers.map((p) => p.id), { ...me, holder }, lot, (id, cur) => {
      const note = judge(byId.get(id)!, cur);
      if (note) tookOver.push(note);
    });
    const leases = new ProgrammerLeases(db, holder, epochs, new Map(programmers.map((p) => [p.id, p.name])), opts);
    leases.timer = setInterval(() => leases.beat(), opts.heartbeatMs ?? 2_000);
    leases.timer.unref();
    return { leases, tookOver };
  }

  /** Programmers (names) whose lease this run no longer holds, read from the database now. */
  private taken(): string[] {
    const held = programmersHeldBy(this.db, this.holder);
    return [...this.epochs].filter(([id, epoch]) => held.get(id) !== epoch).map(([id]) => this.names.get(id) ?? String(id));
  }

  private lose(names: string[]): void {
    if (this.stolen) return;
    this.stolen = true;
    this.lost = new LotHeldError('lease-lost', `the lease of programmer ${names.join(', ')} was taken by another run while this one was not running (paused or stalled)`);
    this.opts.onLost?.(this.lost);
  }

  /** Renews the heartbeat without waiting on a lock; notices (and reports once) a programmer taken by another run. */
  beat(): void {
    try {
      beatProgrammerLeases(this.db, this.holder, () => {
        const taken = this.taken();
        if (taken.length) this.lose(taken);
      });
    } catch {
      // A busy or full database: the heartbeat is retried; recording is fenced by the epoch whatever happens here.
    }
  }

  /** True while every programmer is still this run's; checked before each cycle so no cycle starts under a lost lease. */
  check(): boolean {
    if (this.stolen) return false;
    const taken = this.taken();
    if (taken.length) this.lose(taken);
    return !this.stolen;
  }

  /** Gives the programmers up (their epochs stay, so a later holder's are higher). */
  release(): void {
    if (this.timer) clearInterval(this.timer);
    try {
      dropProgrammerLeases(this.db, this.holder);
    } catch {
      // An unwritable database: the lease is taken over once this process is gone.
    }
  }
}
