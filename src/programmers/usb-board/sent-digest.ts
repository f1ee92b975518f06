import { createHash, type Hash } from 'node:crypto';

/** A byte range of the expanded image that program() wrote and verify() must read back. */
export interface SentRange {
  offset: number;
  length: number;
}

/** What program() sent, digested once: the ranges in order and the SHA-256 of every `unitBytes` of them. */
export interface SentRecord {
  ranges: SentRange[];
  /** SHA-256 (hex) of each successive `unitBytes` of the sent bytes (the last unit may be shorter). */
  units: string[];
  unitBytes: number;
  /** Bytes covered by `ranges`. */
  bytes: number;
  /** Expanded image size (progress total of verify); at most `bytes` when pages were padded. */
  imageBytes: number;
}

/** Default verify unit: 64 KiB of sent bytes. */
export const UNIT_BYTES = 64 * 1024;
const FILL_CHUNK = 64 * 1024;

/** Hashes a byte stream in fixed-size units. */
class UnitHasher {
  readonly units: string[] = [];
  private hash: Hash = createHash('sha256');
  private inUnit = 0;

  constructor(readonly unitBytes: number) {}

  update(b: Uint8Array): void {
    for (let i = 0; i < b.length; ) {
      const n = Math.min(this.unitBytes - this.inUnit, b.length - i);
      this.hash.update(b.subarray(i, i + n));
      this.inUnit += n;
      i += n;
      if (this.inUnit === this.unitBytes) this.cut();
    }
  }

  finish(): string[] {
    if (this.inUnit > 0) this.cut();
    return this.units;
  }

  private cut(): void {
    this.units.push(this.hash.digest('hex'));
    this.hash = createHash('sha256');
    this.inUnit = 0;
  }
}

/** Builds a SentRecord while a driver streams extents to its device (fills are hashed from one reused buffer). */
export class SentDigest {
  private readonly hasher: UnitHasher;
  private readonly ranges: SentRange[] = [];
  private fillBuf = new Uint8Array(0);
  private fillValue = -1;
  private total = 0;

  constructor(unitBytes = UNIT_BYTES) {
    this.hasher = new UnitHasher(unitBytes);
  }

  /** Adds real bytes written at `offset` of the expanded image. */
  addBytes(offset: number, bytes: Uint8Array): void {
    this.hasher.update(bytes);
    this.note(offset, bytes.length);
  }

  /** Adds `length` bytes of value `fill` that the device now holds at `offset`. */
  addFill(offset: number, length: number, fill: number): void {
    const buf = this.fillOf(fill);
    for (let done = 0; done < length; done += buf.length) this.hasher.update(buf.subarray(0, Math.min(buf.length, length - done)));
    this.note(offset, length);
  }

  /** The finished record; `imageBytes` defaults to the bytes sent. */
  finish(imageBytes = this.total): SentRecord {
    return { ranges: this.ranges, units: this.hasher.finish(), unitBytes: this.hasher.unitBytes, bytes: this.total, imageBytes: Math.min(imageBytes, this.total) };
  }

  /** A reusable buffer holding `fill` repeated (refilled only when the value changes). */
  fillOf(fill: number): Uint8Array {
    if (this.fillBuf.length === 0) this.fillBuf = new Uint8Array(FILL_CHUNK);
    if (this.fillValue !== fill) {
      this.fillBuf.fill(fill);
      this.fillValue = fill;
    }
    return this.fillBuf;
  }

  private note(offset: number, length: number): void {
    if (length === 0) return;
    this.total += length;
    const last = this.ranges[this.ranges.length - 1];
    if (last && last.offset + last.length === offset) last.length += length;
    else this.ranges.push({ offset, length });
  }
}

/** Reads `length` bytes at `offset` of the device's logical content into `into` (which is at least `length` long). */
export type ReadAt = (offset: number, length: number, into: Uint8Array) => Promise<void>;

/** Where a read-back first differs from what was sent: the unit index and the image range it covers. */
export interface Mismatch {
  unit: number;
  /** Image offset of the unit's first byte (first range position). */
  offset: number;
}

/** Compares read-back bytes with a SentRecord unit by unit; feed bytes in order, then call `result`. */
export class ReadbackCheck {
  private readonly hasher: UnitHasher;
  private seen = 0;

  constructor(private readonly sent: SentRecord, private readonly progress?: (done: number) => void) {
    this.hasher = new UnitHasher(sent.unitBytes);
  }

  /** Adds the next read-back bytes. */
  update(b: Uint8Array): void {
    this.hasher.update(b);
    this.seen += b.length;
    this.progress?.(Math.min(this.seen, this.sent.imageBytes));
  }

  /** The first differing unit, or undefined when every unit matches. */
  result(): Mismatch | undefined {
    const got = this.hasher.finish();
    for (let u = 0; u < this.sent.units.length; u++) {
      if (got[u] !== this.sent.units[u]) return { unit: u, offset: imageOffsetOf(this.sent, u * this.sent.unitBytes) };
    }
    return undefined;
  }
}

/** Image offset of the `n`-th sent byte. */
function imageOffsetOf(sent: SentRecord, n: number): number {
  for (const r of sent.ranges) {
    if (n < r.length) return r.offset + n;
    n -= r.length;
  }
  return sent.ranges.length ? sent.ranges[sent.ranges.length - 1].offset : 0;
}

/** Reads the record's ranges back in chunks through `readAt` and compares them with what was sent. */
export async function checkReadback(sent: SentRecord, readAt: ReadAt, chunk: number, progress?: (done: number) => void): Promise<Mismatch | undefined> {
  const check = new ReadbackCheck(sent, progress);
  const buf = new Uint8Array(chunk);
  for (const r of sent.ranges) {
    for (let off = 0; off < r.length; off += chunk) {
      const n = Math.min(chunk, r.length - off);
      await readAt(r.offset + off, n, buf);
      check.update(buf.subarray(0, n));
    }
  }
  return check.result();
}
