import type { Db } from '../db/open.js';
import { OutboxStore, type MesConfigRow, type OutboxRow } from '../store/outbox.js';
import { wireOf, type WireEnvelope } from './envelope.js';
import { PackedReader } from './packed-row.js';
import { mergeBatch } from './publish-batch.js';
import { readSnapshot } from '../store/read-snapshot.js';
import { unitCursor, unitRowsAfter, unitRowsByIds } from '../store/mes-units.js';
import type { MesSink } from './sink.js';

/** Options of the outbox publisher. */
export interface PublisherOptions {
  /**
   * Messages read and sent per batch (one round trip to the sink, one statement marking them sent), as whole rows: a
   * packed row holds several, so the rows read per batch follow the messages per row of the last batch. @default 1000
   */
  batch?: number;
  /**
   * Ms between looks at an outbox that had less than a full batch: messages gather meanwhile, so a busy run costs
   * one read, one send and one cursor UPDATE per ~pollMs instead of per handful of messages. @default 200
   */
  pollMs?: number;
  /** First back-off after a failed send, doubled on each failure in a row. @default 500 */
  backoffMinMs?: number;
  /** Longest back-off. @default 10000 */
  backoffMaxMs?: number;
  /** Told of every envelope once the sink accepted it. */
  onSent?: (e: WireEnvelope) => void;
  /** Told of every failed send (the messages stay in the outbox). */
  onError?: (e: Error, retryInMs: number) => void;
  /**
   * Asked before each look (not while draining): true to wait one poll instead (the run's publisher yields to a busy
   * recording thread, src/mes/yield-to-recording.ts). Given when the publisher was last caught up.
   */
  defer?: (lastPublishedAt: number) => boolean;
}

/**
 * Drains the outbox in id order to a sink (on the run's publisher thread, or in `mes publish`): it reads a batch of
 * rows, sends their messages, and marks rows sent only once the sink accepted them (AMQP: settled as accepted). A failure
 * keeps them pending and backs off; a killed process resends them with the same UniqueID.
 */
export class Publisher {
  private readonly store: OutboxStore;
  private readonly reader: PackedReader;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private failures = 0;
  /** Rows the next batch reads: about `batch` messages at the last batch's messages per row. */
  private rowLimit: number;
  /** Whether the last batch read as many rows as it could (more may wait: look again at once). */
  private full = false;
  /** Envelopes accepted by the sink since this publisher started. */
  sent = 0;
  /** When the publisher was last caught up: a batch took all that waited (or it started). */
  private lastPublishedAt = Date.now();
  /** Set by drain(): publish what waits without deferring. */
  private draining = false;

  constructor(private readonly db: Db, private readonly config: MesConfigRow, private readonly sink: MesSink, private readonly o: PublisherOptions = {}) {
    this.store = new OutboxStore(db);
    this.reader = new PackedReader((id) => this.store.mesRun(id));
    this.rowLimit = o.batch ?? 1000;
  }

  /** Starts draining in the background. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /**
   * Sends one batch: the outbox's pending rows and the finished insertions not yet published, merged in TimeStamp
   * order (src/mes/publish-batch.ts); returns how many messages were accepted (0 when nothing waits). Both cursors
   * move, in one statement, only when the sink accepted the whole batch; a batch accepted in part is sent again whole
   * (the same UniqueIDs and bytes). Throws what the sink threw.
   */
  async step(): Promise<number> {
    const batch = this.o.batch ?? 1000;
    const input = readSnapshot(this.db, () => {
      const rows: OutboxRow[] = this.store.pending(this.rowLimit);
      const cursor = unitCursor(this.db);
      const fresh = unitRowsAfter(this.db, cursor.through, batch);
      return { rows, rowsFull: rows.length >= this.rowLimit, cursor, open: unitRowsByIds(this.db, cursor.open), fresh, freshFull: fresh.length >= batch };
    });
    const b = mergeBatch(input, this.reader);
    this.full = b.more;
    if (b.outboxRead > 0) this.rowLimit = Math.max(1, Math.min(batch, Math.round((batch * input.rows.length) / b.outboxRead)));
    const unitsMoved = b.units.through !== input.cursor.through || b.units.open.length !== input.cursor.open.length;
    if (b.messages.length === 0 && b.sentThrough === null && !unitsMoved) return 0;
    if (b.messages.length === 0) {
      this.store.moveUnits(b.units);
      return 0;
    }
    const envs: WireEnvelope[] = b.messages.map((msg) => wireOf(msg, this.config.handle, this.config.target));
    let n: number;
    try {
      n = await this.sink.send(envs);
    } catch (e) {
      this.store.markFailed((e as Error).message);
      throw e;
    }
    // The cursors move only when the sink took the whole batch: a part taken is sent again, as the same envelopes.
    if (n === envs.length) this.store.markSent(b.sentThrough, b.units, new Date().toISOString());
    this.sent += n;
    for (let i = 0; i < n; i++) this.o.onSent?.(envs[i]);
    if (n < envs.length) throw new Error(`the sink accepted ${n} of ${envs.length} message(s)`);
    return n;
  }

  private async run(): Promise<void> {
    let sinceprune = 0;
    while (this.running) {
      let wait = 0;
      try {
        if (!this.draining && this.o.defer?.(this.lastPublishedAt)) {
          await this.pause(this.o.pollMs ?? 200);
          continue;
        }
        const n = await this.step();
        // Caught up (the batch took all that waited): up to date as of now. While batches come full, the time since
        // it was last caught up keeps growing, so a publisher that stopped deferring publishes until it catches up.
        if (!this.full) this.lastPublishedAt = Date.now();
        this.failures = 0;
        sinceprune += n;
        if (sinceprune > 5000) {
          this.store.prune();
          sinceprune = 0;
        }
        if (!this.full) wait = this.o.pollMs ?? 200;
      } catch (e) {
        this.failures++;
        wait = Math.min(this.o.backoffMaxMs ?? 10_000, (this.o.backoffMinMs ?? 500) * 2 ** Math.min(this.failures - 1, 16));
        this.o.onError?.(e as Error, wait);
      }
      if (wait > 0 && this.running) await this.pause(wait);
    }
  }

  /** Waits `ms`, or until woken (drain, stop). */
  private pause(ms: number): Promise<void> {
    return new Promise<void>((r) => {
      const t = setTimeout(() => {
        this.wake = undefined;
        r();
      }, ms);
      this.wake = () => {
        this.wake = undefined;
        clearTimeout(t);
        r();
      };
    });
  }

  /** Messages still in the outbox and finished insertions not yet published. */
  pending(): number {
    return this.store.pendingCount();
  }

  /** Waits until the outbox is empty or `timeoutMs` passed; true when empty. */
  async drain(timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    this.draining = true;
    this.start();
    // Counted only when the last batch was not cut at its limit: while a backlog drains in full batches, more waits.
    while (this.full || this.pending() > 0) {
      if (Date.now() >= until) return this.pending() === 0;
      if (this.failures === 0) this.wake?.();
      await new Promise((r) => setTimeout(r, 50));
    }
    return true;
  }

  /** Stops after the batch in flight and closes the sink. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.sink.close();
  }
}
