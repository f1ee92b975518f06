/**
 * The ring's writer (main thread): reads an image's extents once, in order, into the ring's slots.
 *
 * - Contiguous data extents are packed into slots of `chunkSize` bytes; a big extent is split across slots.
 * - Fill extents travel as descriptors (offset, length, fill byte, don't-care), never as bytes.
 * - Item n goes into slot n % slots, and only once that slot's reference count is 0: every live consumer released
 *   the item that was there. The writer waits with `Atomics.waitAsync`, so the main thread's event loop keeps going.
 * - Dead consumers (worker threw or exited, `markConsumerDead`) and consumers that left are no longer counted and
 *   their references are released here, so the others go on.
 *
 * Slow-consumer policy: when the writer has waited `slowConsumerMs` for one slot while at least one other live
 * consumer has read everything published (it is starving), every consumer still holding that oldest slot is
 * DETACHED: it stops being counted, its references are released (except the one item it is reading right now, which
 * stays valid until it moves on), and its reader continues by reading the rest of the image from the file itself,
 * from the byte where it stopped. It never rejoins the ring within the wave. So a worn socket or a slower chip slows
 * the farm for at most `slowConsumerMs` plus one chunk of its own work, and costs one extra read of the file.
 * When every consumer is behind (all erasing, say), nobody is starving and nobody is detached.
 */
import fs from 'node:fs';
import { isData, type Extent } from '../images/extent.js';
import { unreadable } from '../images/input.js';
import {
  C, CONSUMER_ALIVE, CONSUMER_DETACHED, FILL_DONT_CARE, H, KIND_DATA, KIND_FILL, RING_ABORTED, RING_DONE, RING_RUNNING,
  RING_STOPPED, S, bump, consumerField, slotDataAt, slotField, waitAsync, wakeBatch, type RingViews,
} from './ring-layout.js';

/** Options of a RingWriter. */
export interface RingWriterOptions {
  /**
   * Milliseconds the writer may wait on one slot while another consumer starves before the consumers holding that
   * slot are detached (they finish from the file). `Infinity` disables the policy.
   * @default 2000
   */
  slowConsumerMs?: number;
  /** Told when a consumer is detached by the slow-consumer policy. */
  onDetach?: (consumer: number) => void;
}

/** What one pass of the writer did. */
export interface RingWriteStats {
  /** Items (slots) published. */
  items: number;
  /** Bytes pulled from the image source as data (each once). */
  dataBytes: number;
  /** Bytes described by fill descriptors (never read into the ring). */
  fillBytes: number;
  /** Consumers detached by the slow-consumer policy. */
  detached: number[];
  /** Milliseconds spent waiting for consumers to release slots. */
  waitMs: number;
  /** True when the writer stopped before the end because no live consumer was left. */
  stopped: boolean;
}

/** Streams one image's extents into a ring for its live consumers. */
export class RingWriter {
  private readonly r: RingViews;
  private readonly slowMs: number;
  private readonly onDetach?: (c: number) => void;
  private readonly counted: boolean[];
  private readonly reclaiming = new Set<number>();
  /** Per consumer: ms the writer waited on a slot it held while another consumer was starving. */
  private readonly stall: number[];
  private seq = 0;
  /** Items per wake-up (ring-layout.ts) and the number of items sleeping readers were last told about. */
  private readonly batch: number;
  private announced = 0;
  private stats: RingWriteStats = { items: 0, dataBytes: 0, fillBytes: 0, detached: [], waitMs: 0, stopped: false };
  // the item being built: data packed into slot `slot`, or a fill descriptor
  private slot = -1;
  private kind = 0;
  private offset = 0;
  private length = 0;
  private fill = 0;

  /** A writer over a ring already `resetRing`-ed with its participants. */
  constructor(ring: RingViews, options: RingWriterOptions = {}) {
    this.r = ring;
    this.slowMs = options.slowConsumerMs ?? 2000;
    this.onDetach = options.onDetach;
    const g = ring.geometry;
    this.stall = new Array<number>(g.consumers).fill(0);
    this.batch = wakeBatch(g);
    this.counted = Array.from({ length: g.consumers }, (_, c) => Atomics.load(ring.i32, consumerField(g, c, C.STATE)) === CONSUMER_ALIVE);
  }

  /** Reads `extents` once into the ring; resolves when the last item is published (or nobody is left to read). */
  async write(extents: AsyncIterable<Extent>): Promise<RingWriteStats> {
    Atomics.store(this.r.i32, H.STATE, RING_RUNNING);
    try {
      for await (const e of extents) {
        if (!(await this.put(e))) {
          this.stats.stopped = true;
          this.finish(RING_STOPPED);
          return this.stats;
        }
      }
      if (this.kind !== 0) await this.publish();
      this.finish(RING_DONE);
      return this.stats;
    } catch (err) {
      this.finish(RING_ABORTED);
      throw err;
    }
  }

  /**
   * Reads a raw, uncompressed image file straight into the ring's slots, chunk by chunk, in order, to its end.
   * Why not `write(extents)`: there every byte is read into the image reader's own buffer (through libuv's 4-thread
   * pool, queued behind the blockdev workers' writes and fdatasyncs) and then copied into the slot on this thread.
   * Here each chunk is read with `readSync` into the slot's view of the SharedArrayBuffer: the bytes land once, in
   * shared memory, and the read never waits behind the pool (a 1 MiB page-cache read takes well under a millisecond).
   * A raw image is all data, so the items are exactly what `write(openImage(raw).extents())` publishes.
   */
  async writeRawFile(file: string): Promise<RingWriteStats> {
    Atomics.store(this.r.i32, H.STATE, RING_RUNNING);
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch (e) {
      this.finish(RING_ABORTED);
      throw unreadable(file, e);
    }
    const chunk = this.r.geometry.chunkSize;
    try {
      for (let pos = 0; ; ) {
        if (!(await this.acquire())) {
          this.stats.stopped = true;
          this.finish(RING_STOPPED);
          return this.stats;
        }
        const at = slotDataAt(this.r.geometry, this.slot);
        let n = 0;
        try {
          for (let got = 1; n < chunk && got > 0; n += got) got = fs.readSync(fd, this.r.data, at + n, chunk - n, pos + n);
        } catch (e) {
          throw unreadable(file, e);
        }
        if (n === 0) break; // the slot taken stays unpublished: the next item would have gone there
        this.kind = KIND_DATA;
        this.offset = pos;
        this.length = n;
        this.stats.dataBytes += n;
        pos += n;
        await this.publish();
        if (n < chunk) break;
      }
      this.slot = -1;
      this.finish(RING_DONE);
      return this.stats;
    } catch (err) {
      this.finish(RING_ABORTED);
      throw err;
    } finally {
      fs.closeSync(fd);
    }
  }

  private finish(state: number): void {
    this.reconcile();
    Atomics.store(this.r.i32, H.STATE, state);
    bump(this.r, H.EPOCH);
  }

  /** Adds one extent to the ring; false when no live consumer is left. */
  private async put(e: Extent): Promise<boolean> {
    const chunk = this.r.geometry.chunkSize;
    if (!isData(e)) {
      if (e.length === 0) return true;
      const fill = (e.fill & 0xff) | (e.dontCare ? FILL_DONT_CARE : 0);
      if (this.kind === KIND_FILL && this.fill === fill && this.offset + this.length === e.offset) {
        this.length += e.length;
      } else {
        if (this.kind !== 0 && !(await this.publish())) return false;
        this.kind = KIND_FILL;
        this.offset = e.offset;
        this.length = e.length;
        this.fill = fill;
      }
      this.stats.fillBytes += e.length;
      return true;
    }
    this.stats.dataBytes += e.length;
    let done = 0;
    while (done < e.length) {
      const contiguous = this.kind === KIND_DATA && this.offset + this.length === e.offset + done;
      if (!contiguous || this.length === chunk) {
        if (this.kind !== 0 && !(await this.publish())) return false;
        if (!(await this.acquire())) return false;
        this.kind = KIND_DATA;
        this.offset = e.offset + done;
        this.length = 0;
      }
      const n = Math.min(chunk - this.length, e.length - done);
      this.r.data.set(e.bytes.subarray(done, done + n), slotDataAt(this.r.geometry, this.slot) + this.length);
      this.length += n;
      done += n;
    }
    return true;
  }

  /** Publishes the item being built; false when no live consumer is left. */
  private async publish(): Promise<boolean> {
    if (this.kind === KIND_FILL && !(await this.acquire())) return false;
    const { i32, desc } = this.r;
    const s = this.slot;
    desc[s * 2] = this.offset;
    desc[s * 2 + 1] = this.length;
    Atomics.store(i32, slotField(s, S.KIND), this.kind);
    Atomics.store(i32, slotField(s, S.FILL), this.kind === KIND_FILL ? this.fill : 0);
    this.reconcile();
    Atomics.store(i32, slotField(s, S.REF), this.counted.filter(Boolean).length);
    Atomics.store(i32, slotField(s, S.SEQ), this.seq);
    this.seq++;
    this.stats.items++;
    Atomics.store(i32, H.WRITE_SEQ, this.seq);
    Atomics.add(i32, H.EPOCH, 1); // a reader about to sleep sees the change; sleeping ones are woken per batch
    if (this.seq - this.announced >= this.batch) this.announce();
    this.kind = 0;
    this.slot = -1;
    return true;
  }

  /** Wakes the readers asleep for items published since the last announcement. */
  private announce(): void {
    if (this.announced === this.seq) return;
    this.announced = this.seq;
    if (Atomics.load(this.r.i32, H.SLEEPERS) > 0) Atomics.notify(this.r.i32, H.EPOCH);
  }

  /** Waits until slot `seq % slots` is free and makes it the one being built; false when nobody is left. */
  private async acquire(): Promise<boolean> {
    const { i32, geometry: g } = this.r;
    const s = this.seq % g.slots;
    const ref = slotField(s, S.REF);
    const oldest = this.seq - g.slots;
    let started = 0;
    let last = 0;
    let blame: number[] = [];
    // woken when the item freeing a whole batch of slots is released (or a consumer starves, leaves or dies)
    const want = Math.min(oldest + this.batch - 1, this.seq - 1);
    for (;;) {
      const note = Atomics.load(i32, H.NOTIFY);
      const now = performance.now();
      for (const c of blame) this.stall[c] += now - last;
      last = now;
      this.reconcile();
      if (!this.counted.includes(true)) break;
      if (started !== 0) Atomics.store(i32, H.WANT, want); // before the check: a release after it sees WANT
      if (Atomics.load(i32, ref) === 0) break;
      if (started === 0) {
        started = now;
        this.announce(); // readers must not sleep on items published before this wait
        continue;
      }
      blame = this.starving() ? this.holders(oldest) : [];
      if (this.detachOverdue(oldest) > 0) continue;
      const timeout = Number.isFinite(this.slowMs) ? Math.max(1, this.slowMs / 4) : undefined;
      await waitAsync(i32, H.NOTIFY, note, timeout);
    }
    if (started !== 0) {
      Atomics.store(i32, H.WANT, -1);
      this.stats.waitMs += performance.now() - started;
    }
    if (!this.counted.includes(true)) return false;
    this.slot = s;
    return true;
  }

  /** Counted consumers still holding item `oldest` (the ones the farm is waiting for). */
  private holders(oldest: number): number[] {
    const { i32, geometry: g } = this.r;
    const out: number[] = [];
    for (let c = 0; c < g.consumers; c++) {
      if (this.counted[c] && Atomics.load(i32, consumerField(g, c, C.CURSOR)) >> 1 <= oldest) out.push(c);
    }
    return out;
  }

  /** True when some counted consumer has read and released every published item. */
  private starving(): boolean {
    const { i32, geometry: g } = this.r;
    for (let c = 0; c < g.consumers; c++) {
      if (this.counted[c] && Atomics.load(i32, consumerField(g, c, C.CURSOR)) === this.seq << 1) return true;
    }
    return false;
  }

  /** Detaches every counted consumer holding item `oldest` whose stall charge reached the limit; returns how many. */
  private detachOverdue(oldest: number): number {
    const { i32, geometry: g } = this.r;
    let n = 0;
    for (let c = 0; c < g.consumers; c++) {
      if (!this.counted[c] || this.stall[c] < this.slowMs) continue;
      if (Atomics.load(i32, consumerField(g, c, C.CURSOR)) >> 1 > oldest) continue;
      const at = consumerField(g, c, C.STATE);
      if (Atomics.compareExchange(i32, at, CONSUMER_ALIVE, CONSUMER_DETACHED) !== CONSUMER_ALIVE) continue;
      this.stats.detached.push(c);
      this.onDetach?.(c);
      n++;
    }
    if (n > 0) bump(this.r, H.EPOCH);
    this.reconcile();
    return n;
  }

  /** Stops counting consumers that are no longer ALIVE and releases what they still hold. */
  private reconcile(): void {
    const { i32, geometry: g } = this.r;
    for (let c = 0; c < g.consumers; c++) {
      if (!this.counted[c] || Atomics.load(i32, consumerField(g, c, C.STATE)) === CONSUMER_ALIVE) continue;
      this.counted[c] = false;
      Atomics.store(i32, consumerField(g, c, C.LIMIT), this.seq);
      this.reclaiming.add(c);
    }
    for (const c of this.reclaiming) if (this.reclaim(c)) this.reclaiming.delete(c);
  }

  /** Releases consumer c's references below its LIMIT; false while a detached consumer still reads one item. */
  private reclaim(c: number): boolean {
    const { i32, geometry: g } = this.r;
    const cur = consumerField(g, c, C.CURSOR);
    const limit = Atomics.load(i32, consumerField(g, c, C.LIMIT));
    for (;;) {
      const v = Atomics.load(i32, cur);
      const k = v >> 1;
      if (k >= limit) return true;
      if (v & 1 && Atomics.load(i32, consumerField(g, c, C.STATE)) === CONSUMER_DETACHED) return false;
      if (Atomics.compareExchange(i32, cur, v, (k + 1) << 1) === v) Atomics.sub(i32, slotField(k % g.slots, S.REF), 1);
    }
  }
}
