/**
 * The chunk ring's SharedArrayBuffer layout: the ONE place that says where every shared counter, descriptor and
 * data byte lives. The writer (main thread) and every reader (programmer worker) import it; nobody else computes an
 * index into the buffer.
 *
 *   Int32 header   EPOCH NOTIFY WRITE_SEQ STATE SLOTS CHUNK CONSUMERS WAVE WANT SLEEPERS
 *   Int32 slots    per slot: REF (live consumers still holding it), SEQ (item number it holds), KIND, FILL
 *   Int32 readers  per consumer: CURSOR (next item << 1 | held bit), STATE, LIMIT (first item not counting it)
 *   Float64 desc   per slot: image offset, length (exact up to 2^53)
 *   Uint8 data     slots × chunkSize bytes
 *
 * Item n of a wave lives in slot n % slots. EPOCH is bumped by the writer on every change a reader may wait for
 * (publish, done, abort, detach); NOTIFY is bumped by whoever frees something the writer may wait for. Both are
 * waited on with the value read before checking, so no wakeup is lost.
 *
 * Wake-ups are batched (see `wakeBatch`): a waiting reader is woken once a batch of items is out (or the writer is
 * about to wait, or is done), and a waiting writer once a batch of slots is free (WANT: the item whose release frees
 * the batch). A thread then works through a batch without a futex wake-up per chunk; SLEEPERS counts readers asleep
 * so a writer with no one waiting never calls `Atomics.notify`.
 */

/** Header field indices (Int32). */
export const H = { EPOCH: 0, NOTIFY: 1, WRITE_SEQ: 2, STATE: 3, SLOTS: 4, CHUNK: 5, CONSUMERS: 6, WAVE: 7, WANT: 8, SLEEPERS: 9 } as const;
const HEADER_INTS = 10;
const SLOT_INTS = 4;
const CONSUMER_INTS = 4;
/** Per-slot field offsets. */
export const S = { REF: 0, SEQ: 1, KIND: 2, FILL: 3 } as const;
/** Per-consumer field offsets. */
export const C = { CURSOR: 0, STATE: 1, LIMIT: 2 } as const;

/** Slot kind: image bytes in the slot's data area. */
export const KIND_DATA = 1;
/** A fill descriptor: `length` bytes of one value (or don't-care); no bytes in the data area. */
export const KIND_FILL = 2;
/** FILL field: fill byte in bits 0..7, don't-care flag in bit 8. */
export const FILL_DONT_CARE = 0x100;

/** Writer state (H.STATE): reset, not started. */
export const RING_IDLE = 0;
/** Writer state: publishing items. */
export const RING_RUNNING = 1;
/** Every item of the image was published. */
export const RING_DONE = 2;
/** The image could not be read; readers throw. */
export const RING_ABORTED = 3;
/** The writer stopped early because no live consumer was left. */
export const RING_STOPPED = 4;

/** Consumer state (C.STATE): not part of this wave. */
export const CONSUMER_UNUSED = 0;
/** Counted by the writer: every published item waits for its release. */
export const CONSUMER_ALIVE = 1;
/** Its worker threw or exited: its references are released by the writer, held item included. */
export const CONSUMER_DEAD = 2;
/** It read what it needed and stopped. */
export const CONSUMER_LEFT = 3;
/** Dropped by the slow-consumer policy: it reads the rest from the file; the item it holds stays valid. */
export const CONSUMER_DETACHED = 4;

/** Sizes of a ring. */
export interface RingGeometry {
  /** Number of slots (chunks) in the ring. */
  slots: number;
  /** Bytes per slot. */
  chunkSize: number;
  /** How many consumers the ring can count. */
  consumers: number;
}

/** Typed views over one ring buffer, the same on every thread. */
export interface RingViews {
  readonly sab: SharedArrayBuffer;
  readonly geometry: RingGeometry;
  readonly i32: Int32Array;
  readonly desc: Float64Array;
  readonly data: Uint8Array;
}

function offsets(g: RingGeometry): { descAt: number; dataAt: number; total: number } {
  const ints = HEADER_INTS + g.slots * SLOT_INTS + g.consumers * CONSUMER_INTS;
  const descAt = Math.ceil((ints * 4) / 8) * 8;
  const dataAt = Math.ceil((descAt + g.slots * 16) / 64) * 64;
  return { descAt, dataAt, total: dataAt + g.slots * g.chunkSize };
}

/** Bytes of shared memory a ring of this geometry takes. */
export function ringBytes(g: RingGeometry): number {
  return offsets(g).total;
}

function views(sab: SharedArrayBuffer, g: RingGeometry): RingViews {
  const o = offsets(g);
  return {
    sab,
    geometry: g,
    i32: new Int32Array(sab, 0, o.descAt / 4),
    desc: new Float64Array(sab, o.descAt, g.slots * 2),
    data: new Uint8Array(sab, o.dataAt, g.slots * g.chunkSize),
  };
}

/** Allocates a ring and records its geometry in its header. */
export function createRing(g: RingGeometry): RingViews {
  if (!Number.isInteger(g.slots) || g.slots < 2) throw new RangeError(`ring slots must be an integer >= 2, got ${g.slots}`);
  if (!Number.isInteger(g.chunkSize) || g.chunkSize < 512) throw new RangeError(`ring chunkSize must be >= 512, got ${g.chunkSize}`);
  if (!Number.isInteger(g.consumers) || g.consumers < 1) throw new RangeError(`ring consumers must be >= 1, got ${g.consumers}`);
  const v = views(new SharedArrayBuffer(ringBytes(g)), g);
  v.i32[H.SLOTS] = g.slots;
  v.i32[H.CHUNK] = g.chunkSize;
  v.i32[H.CONSUMERS] = g.consumers;
  return v;
}

/**
 * Maps every page of the ring's data area by writing a zero into it, before any item is published. The kernel maps a
 * new SharedArrayBuffer's pages on their first write, one fault per 4 KiB page: left to the first wave, the writer's
 * reads into the 32 MiB ring take 8,192 faults (on this host's VM ~65 ms of CPU at load 8, bench notes in
 * README "One-wave lot"), while the thread that could take them sits idle waiting for the workers to start.
 */
export function touchRing(r: RingViews): void {
  const data = r.data;
  for (let at = 0; at < data.length; at += 4096) data[at] = 0;
}

/** Views over a ring made by another thread (geometry read from its header). */
export function attachRing(sab: SharedArrayBuffer): RingViews {
  const head = new Int32Array(sab, 0, HEADER_INTS);
  const g = { slots: Atomics.load(head, H.SLOTS), chunkSize: Atomics.load(head, H.CHUNK), consumers: Atomics.load(head, H.CONSUMERS) };
  return views(sab, g);
}

/** Int32 index of a slot's field. */
export function slotField(slot: number, field: number): number {
  return HEADER_INTS + slot * SLOT_INTS + field;
}

/** Int32 index of a consumer's field. */
export function consumerField(g: RingGeometry, consumer: number, field: number): number {
  return HEADER_INTS + g.slots * SLOT_INTS + consumer * CONSUMER_INTS + field;
}

/** Byte offset of a slot's data inside `RingViews.data`. */
export function slotDataAt(g: RingGeometry, slot: number): number {
  return slot * g.chunkSize;
}

/**
 * Prepares the ring for a new wave: counters cleared, `participants` ALIVE at item 0, every other consumer UNUSED.
 * Call only when no reader of the previous wave is still reading.
 */
export function resetRing(r: RingViews, participants: readonly number[]): void {
  const g = r.geometry;
  for (let s = 0; s < g.slots; s++) {
    Atomics.store(r.i32, slotField(s, S.REF), 0);
    Atomics.store(r.i32, slotField(s, S.SEQ), -1);
  }
  for (let c = 0; c < g.consumers; c++) {
    Atomics.store(r.i32, consumerField(g, c, C.CURSOR), 0);
    Atomics.store(r.i32, consumerField(g, c, C.LIMIT), 0);
    Atomics.store(r.i32, consumerField(g, c, C.STATE), participants.includes(c) ? CONSUMER_ALIVE : CONSUMER_UNUSED);
  }
  Atomics.store(r.i32, H.WRITE_SEQ, 0);
  Atomics.store(r.i32, H.WANT, -1);
  Atomics.store(r.i32, H.SLEEPERS, 0);
  Atomics.store(r.i32, H.STATE, RING_IDLE);
  Atomics.add(r.i32, H.WAVE, 1);
  bump(r, H.EPOCH);
}

/**
 * Items per wake-up: a sleeping reader is woken when this many more items are published, a sleeping writer when this
 * many more slots are free (a quarter of the ring, at most 8). Measured with `npm run bench:fanout` at 8 programmers.
 */
export function wakeBatch(g: RingGeometry): number {
  return Math.max(1, Math.min(8, g.slots >> 2));
}

/** Increments a wakeup counter and wakes everyone waiting on it. */
export function bump(r: RingViews, field: typeof H.EPOCH | typeof H.NOTIFY): void {
  Atomics.add(r.i32, field, 1);
  Atomics.notify(r.i32, field);
}

/**
 * Marks a consumer dead (its worker threw or exited): the writer stops counting it and releases its references,
 * so the other consumers go on. Safe from any thread, any number of times.
 */
export function markConsumerDead(r: RingViews, consumer: number): void {
  const at = consumerField(r.geometry, consumer, C.STATE);
  for (;;) {
    const st = Atomics.load(r.i32, at);
    if (st === CONSUMER_UNUSED || st === CONSUMER_DEAD) return;
    if (Atomics.compareExchange(r.i32, at, st, CONSUMER_DEAD) === st) break;
  }
  bump(r, H.NOTIFY);
}

/** Current state of a consumer (one of the CONSUMER_* values). */
export function consumerState(r: RingViews, consumer: number): number {
  return Atomics.load(r.i32, consumerField(r.geometry, consumer, C.STATE));
}

/** Promise-based wait on an Int32 field that never blocks the thread's event loop. */
export async function waitAsync(i32: Int32Array, index: number, value: number, timeoutMs?: number): Promise<void> {
  const wa = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;
  const r = wa(i32, index, value, timeoutMs);
  if (r.async) await r.value;
}
type WaitAsync = (a: Int32Array, i: number, v: number, t?: number) => { async: false; value: string } | { async: true; value: Promise<string> };
