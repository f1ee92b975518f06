import zlib from 'node:zlib';
import { isData, type Extent } from '../images/extent.js';
import { DriverError } from '../errors.js';

/**
 * Per-unit CRC-32 of an extent stream, computed once per byte: the shared engine of the sim and blockdev drivers.
 * A unit is a fixed run of image bytes (a NAND block, 64 KiB of eMMC, a NOR sector). zlib.crc32 runs at ~3.8 GB/s
 * per core on 64 KiB units here, sha256 (node:crypto) at ~1.6 GB/s, so CRC-32 is the per-unit digest.
 */

/** One byte that one key (a site) writes differently in a unit: XORed with `xor` at the first sent byte at or after `offset`. */
export interface UnitTap {
  key: number;
  unit: number;
  offset: number;
  xor: number;
}

/** One finished unit of the stream. */
export interface UnitDigest {
  unit: number;
  /** CRC-32 of the bytes sent in this unit, in order (skipped fill is not sent). */
  crc: number;
  sentBytes: number;
  /** Image bytes inside this unit (the last unit may be short). */
  spanBytes: number;
  /** Sent sub-ranges [start, end) relative to the unit, only when 0 < sentBytes < spanBytes. */
  ranges?: [number, number][];
  /** key → CRC-32 of what that key wrote, for taps that changed a byte of this unit. */
  taps?: Map<number, number>;
}

/** Options of a UnitDigester. */
export interface UnitDigesterOptions {
  /** Bytes per unit. */
  unitBytes: number;
  /** True when this fill extent is not sent (blank skipping). @default never skip */
  skipFill?: (fill: number, dontCare: boolean) => boolean;
  /** Per-key byte changes. @default [] */
  taps?: UnitTap[];
  /** Bytes the stream may cover; beyond it feed() throws. @default unlimited */
  capacity?: number;
  /** Called once for every unit the image covers, in order, including units where nothing was sent. */
  onUnit: (d: UnitDigest) => void;
}

const FILL_BUF = 64 * 1024;
const fillBuffers = new Map<number, Uint8Array>();
const fillCrcs = new Map<string, number>();

/** A reused 64 KiB buffer of one byte value. */
function fillBuffer(value: number): Uint8Array {
  let b = fillBuffers.get(value);
  if (!b) fillBuffers.set(value, (b = new Uint8Array(FILL_BUF).fill(value)));
  return b;
}

/** CRC-32 of `length` bytes of `value`, continuing `init`; a fresh run (init 0) is computed once and cached. */
export function crcOfFill(value: number, length: number, init = 0): number {
  const key = `${value}:${length}`;
  if (init === 0) {
    const hit = fillCrcs.get(key);
    if (hit !== undefined) return hit;
  }
  const buf = fillBuffer(value);
  let c = init;
  for (let left = length; left > 0; left -= FILL_BUF) c = zlib.crc32(buf.subarray(0, Math.min(FILL_BUF, left)), c);
  if (init === 0) fillCrcs.set(key, c);
  return c;
}

interface ActiveTap {
  key: number;
  offset: number;
  xor: number;
  applied: boolean;
  crc: number;
}

/** Splits an extent stream into units and digests each sent byte once. */
export class UnitDigester {
  private readonly unitBytes: number;
  private readonly skipFill: (fill: number, dontCare: boolean) => boolean;
  private readonly tapsByUnit = new Map<number, UnitTap[]>();
  private readonly one = new Uint8Array(1);
  private pos = 0;
  private unit = 0;
  private crc = 0;
  private sent = 0;
  private ranges: number[] = [];
  private active: ActiveTap[] | undefined;

  constructor(private readonly opts: UnitDigesterOptions) {
    this.unitBytes = opts.unitBytes;
    this.skipFill = opts.skipFill ?? (() => false);
    for (const t of opts.taps ?? []) {
      const list = this.tapsByUnit.get(t.unit) ?? [];
      list.push(t);
      this.tapsByUnit.set(t.unit, list);
    }
    this.startUnit(0);
  }

  /** Image bytes seen so far (sent or skipped). */
  get bytes(): number {
    return this.pos;
  }

  /** Processes one extent; its bytes are not kept. Throws a DriverError on an out-of-order or oversize stream. */
  feed(e: Extent): void {
    if (e.length === 0) return;
    if (e.offset < this.pos) throw new DriverError('stream-out-of-order', `extent at offset ${e.offset} goes back before offset ${this.pos}`);
    const end = e.offset + e.length;
    if (this.opts.capacity !== undefined && end > this.opts.capacity) {
      throw new DriverError('image-too-large', `the image reaches byte ${end} but the target holds ${this.opts.capacity} bytes`);
    }
    if (e.offset > this.pos) this.skip(e.offset - this.pos);
    if (isData(e)) this.sendData(e.bytes, e.length);
    else if (this.skipFill(e.fill, e.dontCare === true)) this.skip(e.length);
    else this.sendFill(e.fill, e.length);
  }

  /** Emits the last, possibly partial, unit. */
  finish(): void {
    if (this.pos > this.unit * this.unitBytes) this.emit();
  }

  private unitStart(): number {
    return this.unit * this.unitBytes;
  }

  private startUnit(u: number): void {
    this.unit = u;
    this.crc = 0;
    this.sent = 0;
    this.ranges.length = 0;
    const taps = this.tapsByUnit.get(u);
    this.active = taps?.map((t) => ({ key: t.key, offset: t.offset, xor: t.xor, applied: false, crc: 0 }));
  }

  private emit(): void {
    const span = this.pos - this.unitStart();
    const d: UnitDigest = { unit: this.unit, crc: this.crc, sentBytes: this.sent, spanBytes: span };
    if (this.sent > 0 && this.sent < span) {
      d.ranges = [];
      for (let i = 0; i < this.ranges.length; i += 2) d.ranges.push([this.ranges[i], this.ranges[i + 1]]);
    }
    if (this.active?.some((t) => t.applied)) {
      d.taps = new Map();
      for (const t of this.active) if (t.applied) d.taps.set(t.key, t.crc);
    }
    this.opts.onUnit(d);
    this.startUnit(this.unit + 1);
  }

  /** Room left in the current unit. */
  private room(): number {
    return this.unitStart() + this.unitBytes - this.pos;
  }

  private advance(n: number): void {
    this.pos += n;
    if (this.room() === 0) this.emit();
  }

  private skip(len: number): void {
    while (len > 0) {
      const n = Math.min(this.room(), len);
      this.advance(n);
      len -= n;
    }
  }

  private noteSent(rel: number, n: number): void {
    const r = this.ranges;
    if (r.length > 0 && r[r.length - 1] === rel) r[r.length - 1] = rel + n;
    else r.push(rel, rel + n);
    this.sent += n;
  }

  /** Digests one sent piece at `rel` bytes into the current unit, for the unit and for each tap. */
  private piece(p: Uint8Array, rel: number): void {
    if (this.active) {
      for (const t of this.active) {
        if (t.applied) t.crc = zlib.crc32(p, t.crc);
        else if (t.offset < rel + p.length) {
          const k = Math.max(t.offset - rel, 0);
          this.one[0] = p[k] ^ t.xor;
          let c = zlib.crc32(p.subarray(0, k), this.crc);
          c = zlib.crc32(this.one, c);
          t.crc = zlib.crc32(p.subarray(k + 1), c);
          t.applied = true;
        }
      }
    }
    this.crc = zlib.crc32(p, this.crc);
  }

  private sendData(bytes: Uint8Array, len: number): void {
    let at = 0;
    while (at < len) {
      const n = Math.min(this.room(), len - at);
      const rel = this.pos - this.unitStart();
      this.piece(bytes.subarray(at, at + n), rel);
      this.noteSent(rel, n);
      at += n;
      this.advance(n);
    }
  }

  private sendFill(value: number, len: number): void {
    const buf = fillBuffer(value);
    while (len > 0) {
      const n = Math.min(this.room(), len);
      const rel = this.pos - this.unitStart();
      if (rel === 0 && n === this.unitBytes && !this.active) this.crc = crcOfFill(value, n);
      else for (let d = 0; d < n; d += FILL_BUF) this.piece(buf.subarray(0, Math.min(FILL_BUF, n - d)), rel + d);
      this.noteSent(rel, n);
      len -= n;
      this.advance(n);
    }
  }
}
