import type { Db } from '../db/open.js';
import { OutboxStore, type MesConfigRow, type OutboxRow } from '../store/outbox.js';
import { wireOf, type WireEnvelope } from './envelope.js';
import { PackedReader } from './packed-row.js';
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

  constructor(db: Db, private readonly config: MesConfigRow, private readonly sink: MesSink, private readonly o: PublisherOptions = {}) {
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
   * Sends one batch of rows; returns how many messages were accepted (0 when the outbox is empty). A row counts as
   * sent when all its messages were accepted (a row accepted in part is sent again whole: the same UniqueIDs).
   * Throws what the sink threw.
   */
  async step(): Promise<number> {
    const batch = this.o.batch ?? 1000;
    const rows: OutboxRow[] = this.store.pending(this.rowLimit);
    this.full = rows.length >= this.rowLimit;
    if (rows.length === 0) return 0;
    const envs: WireEnvelope[] = [];
    const ends: number[] = []; // envelopes up to the end of each row
    for (const r of rows) {
      for (const msg of this.reader.messages(r)) envs.push(wireOf(msg, this.config.handle, this.config.target));
      ends.push(envs.length);
    }
    this.rowLimit = Math.max(1, Math.min(batch, Math.round((batch * rows.length) / envs.length)));
    let n: number;
    try {
      n = await this.sink.send(envs);
    } catch (e) {
      this.store.markFailed((e as Error).message);
      throw e;
    }
    let whole = 0;
    while (whole < rows.length && ends[whole] <= n) whole++;
    if (whole > 0) this.store.markSent(rows[whole - 1].id, new Date().toISOString());
    this.sent += n;
    for (const e of envs.slice(0, n)) this.o.onSent?.(e);
    if (n < envs.length) throw new Error(`the sink accepted ${n} of ${envs.length} message(s)`);
    return n;
  }

  private async run(): Promise<void> {
    let sinceprune = 0;
    while (this.running) {
      let wait = 0;
      try {
        const n = await this.step();
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
      if (wait > 0 && this.running) await new Promise<void>((r) => {
        const t = setTimeout(r, wait);
        this.wake = () => {
          clearTimeout(t);
          r();
        };
      });
      this.wake = undefined;
    }
  }

  /** Messages still in the outbox. */
  pending(): number {
    return this.store.pendingCount();
  }

  /** Waits until the outbox is empty or `timeoutMs` passed; true when empty. */
  async drain(timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    this.start();
    while (this.pending() > 0) {
      if (Date.now() >= until) return false;
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
