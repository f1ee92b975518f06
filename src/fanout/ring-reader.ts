/**
 * The ring's reader (worker side): the image's extents as an `AsyncIterable<Extent>` whose data extents are
 * `Uint8Array` views into the shared ring (no copy). An item is held from the moment it is yielded until the consumer
 * asks for the next one (or stops iterating), then released. A data extent also offers `hold()` (see
 * src/images/extent-hold.ts): the consumer keeps the item past the next one until it calls the returned release
 * function, up to half the ring at a time; items are released to the writer in order. If the writer detaches this
 * consumer (slow-consumer policy, see ring-writer.ts), the reader finishes the image from `resume(offset)`, the file
 * read by itself; items it still holds stay valid until released.
 */
import { FarmError } from '../errors.js';
import type { Extent } from '../images/extent.js';
import type { HoldableExtent } from '../images/extent-hold.js';
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
  /** Oldest claimed item not yet released to the writer, and the next item to claim: items [low, next) are held. */
  private low = 0;
  private next = 0;
  /** The item being iterated (released when the consumer moves on unless kept), or -1. */
  private current = -1;
  /** Items kept with hold() and not released yet. */
  private readonly kept = new Set<number>();
  /** Items released by the consumer but not yet given back (an older one is still held). */
  private readonly freed = new Set<number>();
  private readonly maxHeld: number;
  private leaving = false;
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
    this.maxHeld = Math.max(1, Math.floor(this.r.geometry.slots / 2));
  }

  [Symbol.asyncIterator](): AsyncIterator<Extent> {
    if (this.started) throw new Error('a RingReader can be iterated once');
    this.started = true;
    return this.items();
  }

  /**
   * Stops reading: releases the item being iterated and tells the writer not to wait for this consumer. Items kept
   * with hold() stay valid: the consumer leaves once the last of them is released. Idempotent.
   */
  leave(): void {
    this.leaving = true;
    if (this.current >= 0 && !this.kept.has(this.current)) this.free(this.current);
    this.current = -1;
    if (this.low === this.next) this.depart();
  }

  private depart(): void {
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
        this.current = k;
        const s = k % g.slots;
        if (Atomics.load(i32, slotField(s, S.SEQ)) !== k) throw new Error(`ring invariant broken: slot ${s} does not hold item ${k}`);
        const offset = desc[s * 2];
        const length = desc[s * 2 + 1];
        pos = offset + length;
        if (Atomics.load(i32, slotField(s, S.KIND)) === KIND_DATA) {
          const at = slotDataAt(g, s);
          const item: HoldableExtent = { offset, length, bytes: data.subarray(at, at + length), hold: () => this.hold(k) };
          yield item;
        } else {
          const f = Atomics.load(i32, slotField(s, S.FILL));
          yield f & FILL_DONT_CARE ? { offset, length, fill: f & 0xff, dontCare: true } : { offset, length, fill: f & 0xff };
        }
        if (!this.kept.has(k)) this.free(k);
        this.current = -1;
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
        if (this.low < k) {
          this.next = k + 1; // the cursor already says "held" (an older item is kept)
          return 'item';
        }
        if (Atomics.compareExchange(i32, this.cursorAt, k << 1, (k << 1) | 1) === k << 1) {
          this.next = k + 1;
          return 'item';
        }
        continue;
      }
      if (state === RING_DONE) return 'end';
      if (state === RING_ABORTED) throw new FarmError('fanout-image-aborted', 'the image could not be read to the end; see the main thread error');
      if (state !== 0 && state !== 1) throw new FarmError('fanout-stopped', 'the ring writer stopped before the end of the image');
      // a writer waiting for slots learns that this consumer is starving (slow-consumer policy)
      if (Atomics.load(i32, H.WANT) >= 0) bump(this.r, H.NOTIFY);
      Atomics.add(i32, H.SLEEPERS, 1);
      try {
        if (this.opts.wait === 'sync') Atomics.wait(i32, H.EPOCH, epoch);
        else await waitAsync(i32, H.EPOCH, epoch);
      } finally {
        Atomics.sub(i32, H.SLEEPERS, 1);
      }
    }
  }

  /** Keeps item k past the next one (at most half the ring); returns its release function, or undefined. */
  private hold(k: number): (() => void) | undefined {
    if (k !== this.current || this.kept.has(k) || this.next - this.low > this.maxHeld) return undefined;
    this.kept.add(k);
    let once = false;
    return () => {
      if (once) return;
      once = true;
      this.kept.delete(k);
      if (k !== this.current) this.free(k);
    };
  }

  /** Marks item k released; gives back to the writer, in order, every item no longer held. */
  private free(k: number): void {
    this.freed.add(k);
    const i32 = this.r.i32;
    while (this.freed.delete(this.low)) {
      const k0 = this.low;
      const k1 = k0 + 1;
      const to = (k1 << 1) | (k1 < this.next ? 1 : 0);
      this.low = k1;
      // the CAS fails only when the writer reclaimed this consumer's items (it died): nothing left to give back
      if (Atomics.compareExchange(i32, this.cursorAt, (k0 << 1) | 1, to) !== ((k0 << 1) | 1)) continue;
      // the last release of an item wakes the writer only once it frees the batch the writer waits for
      if (Atomics.sub(i32, slotField(k0 % this.r.geometry.slots, S.REF), 1) === 1) {
        const want = Atomics.load(i32, H.WANT);
        if (want >= 0 && k0 >= want) bump(this.r, H.NOTIFY);
      }
    }
    if (this.leaving && this.low === this.next) this.depart();
  }
}
