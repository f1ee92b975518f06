/**
 * The ring's reader (worker side): the image's extents as an `AsyncIterable<Extent>` whose data extents are
 * `Uint8Array` views into the shared ring (no copy). An item is held from the moment it is yielded until the consumer
 * asks for the next one (or stops iterating), then released. If the writer detaches this consumer (slow-consumer
 * policy, see ring-writer.ts), the reader finishes the image from `resume(offset)`, the file read by itself.
 */
import { FarmError } from '../errors.js';
import type { Extent } from '../images/extent.js';
import {
  C, CONSUMER_ALIVE, CONSUMER_DETACHED, CONSUMER_LEFT, FILL_DONT_CARE, H, KIND_DATA, RING_ABORTED, RING_DONE, S,
  attachRing, bump, consumerField, markConsumerDead, slotDataAt, slotField, waitAsync, type RingViews,
} from './ring-layout.js';

/** Options of a RingReader. */
export interface RingReaderOptions {
  /**
   * How to wait for the writer: `'sync'` blocks this thread with `Atomics.wait` (worker threads only, lowest
   * latency); `'async'` uses `Atomics.waitAsync` so the thread's event loop (timers, messages) keeps running.
   * @default 'async'
   */
  wait?: 'sync' | 'async';
  /**
   * The image's extents from byte `offset` on, read from the file by this consumer; used when the writer detaches
   * it. Without it, a detached reader throws.
   */
  resume?: (offset: number) => AsyncIterable<Extent>;
  /** Told once when this reader was detached, with the offset it resumes from. */
  onDetached?: (offset: number) => void;
}

/** One consumer's view of the ring; iterate it once. */
export class RingReader implements AsyncIterable<Extent> {
  private readonly r: RingViews;
  private readonly consumer: number;
  private readonly opts: RingReaderOptions;
  private readonly wave: number;
  private readonly cursorAt: number;
  private readonly stateAt: number;
  private held = -1;
  private started = false;
  /** Bytes this reader got from the file itself after being detached. */
  resumedBytes = 0;
  /** Offset it resumed from when detached, else undefined. */
  detachedAt: number | undefined;

  /** A reader for consumer `consumer` of the ring in `sab` (the wave it was reset for). */
  constructor(sab: SharedArrayBuffer | RingViews, consumer: number, options: RingReaderOptions = {}) {
    this.r = sab instanceof SharedArrayBuffer ? attachRing(sab) : sab;
    if (consumer < 0 || consumer >= this.r.geometry.consumers) throw new RangeError(`no consumer ${consumer} in this ring`);
    this.consumer = consumer;
    this.opts = options;
    this.wave = Atomics.load(this.r.i32, H.WAVE);
    this.cursorAt = consumerField(this.r.geometry, consumer, C.CURSOR);
    this.stateAt = consumerField(this.r.geometry, consumer, C.STATE);
  }

  [Symbol.asyncIterator](): AsyncIterator<Extent> {
    if (this.started) throw new Error('a RingReader can be iterated once');
    this.started = true;
    return this.items();
  }

  /** Stops reading: releases the held item and tells the writer not to wait for this consumer. Idempotent. */
  leave(): void {
    this.release();
    if (Atomics.compareExchange(this.r.i32, this.stateAt, CONSUMER_ALIVE, CONSUMER_LEFT) === CONSUMER_ALIVE) bump(this.r, H.NOTIFY);
  }

  /** Marks this consumer dead (its programmer failed): the writer releases its references. */
  markDead(): void {
    markConsumerDead(this.r, this.consumer);
  }

  private async *items(): AsyncGenerator<Extent> {
    const { i32, desc, data, geometry: g } = this.r;
    let k = 0;
    let pos = 0;
    try {
      for (;;) {
        const got = await this.claim(k);
        if (got === 'end') return;
        if (got === 'detached') {
          yield* this.fromFile(pos);
          return;
        }
        const s = k % g.slots;
        if (Atomics.load(i32, slotField(s, S.SEQ)) !== k) throw new Error(`ring invariant broken: slot ${s} does not hold item ${k}`);
        const offset = desc[s * 2];
        const length = desc[s * 2 + 1];
        pos = offset + length;
        if (Atomics.load(i32, slotField(s, S.KIND)) === KIND_DATA) {
          const at = slotDataAt(g, s);
          yield { offset, length, bytes: data.subarray(at, at + length) };
        } else {
          const f = Atomics.load(i32, slotField(s, S.FILL));
          yield f & FILL_DONT_CARE ? { offset, length, fill: f & 0xff, dontCare: true } : { offset, length, fill: f & 0xff };
        }
        this.release();
        k++;
      }
    } finally {
      this.leave();
    }
  }

  private async *fromFile(offset: number): AsyncGenerator<Extent> {
    this.detachedAt = offset;
    this.opts.onDetached?.(offset);
    if (!this.opts.resume) throw new FarmError('fanout-detached', 'this programmer fell behind the ring and has no way to read the image itself');
    for await (const e of this.opts.resume(offset)) {
      if ('bytes' in e) this.resumedBytes += e.length;
      yield e;
    }
  }

  /** Waits for item k and takes a reference on it. */
  private async claim(k: number): Promise<'item' | 'end' | 'detached'> {
    const i32 = this.r.i32;
    for (;;) {
      const epoch = Atomics.load(i32, H.EPOCH);
      if (Atomics.load(i32, H.WAVE) !== this.wave) throw new Error('ring was reset for another wave while this reader was reading');
      const me = Atomics.load(i32, this.stateAt);
      if (me === CONSUMER_DETACHED) return 'detached';
      if (me !== CONSUMER_ALIVE) throw new FarmError('fanout-consumer-gone', `ring consumer ${this.consumer} is no longer reading (state ${me})`);
      const state = Atomics.load(i32, H.STATE);
      if (k < Atomics.load(i32, H.WRITE_SEQ)) {
        if (Atomics.compareExchange(i32, this.cursorAt, k << 1, (k << 1) | 1) === k << 1) {
          this.held = k;
          return 'item';
        }
        continue;
      }
      if (state === RING_DONE) return 'end';
      if (state === RING_ABORTED) throw new FarmError('fanout-image-aborted', 'the image could not be read to the end; see the main thread error');
      if (state !== 0 && state !== 1) throw new FarmError('fanout-stopped', 'the ring writer stopped before the end of the image');
      bump(this.r, H.NOTIFY); // tell a waiting writer that this consumer is starving (slow-consumer policy)
      if (this.opts.wait === 'sync') Atomics.wait(i32, H.EPOCH, epoch);
      else await waitAsync(i32, H.EPOCH, epoch);
    }
  }

  /** Releases the held item, waking the writer if this was its last reference. */
  private release(): void {
    const k = this.held;
    if (k < 0) return;
    this.held = -1;
    const i32 = this.r.i32;
    if (Atomics.compareExchange(i32, this.cursorAt, (k << 1) | 1, (k + 1) << 1) !== ((k << 1) | 1)) return;
    if (Atomics.sub(i32, slotField(k % this.r.geometry.slots, S.REF), 1) === 1) bump(this.r, H.NOTIFY);
  }
}
