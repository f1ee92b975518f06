import { createHash, type Hash } from 'node:crypto';

/** A byte range of the expanded image that program() wrote and verify() must read back. */
export interface SentRange {
  offset: number;
  length: number;
}

/** What program() sent, digested once: the ranges in order and the SHA-256 of their bytes. */
export interface SentRecord {
  ranges: SentRange[];
  sha256: string;
  /** Bytes covered by `ranges`. */
  bytes: number;
}

const FILL_CHUNK = 64 * 1024;

/** Builds a SentRecord while a driver streams extents to its device (fills are hashed from one reused buffer). */
export class SentDigest {
  private readonly hash: Hash = createHash('sha256');
  private readonly ranges: SentRange[] = [];
  private fillBuf = new Uint8Array(0);
  private fillValue = -1;
  private total = 0;

  /** Adds real bytes written at `offset` of the expanded image. */
  addBytes(offset: number, bytes: Uint8Array): void {
    this.hash.update(bytes);
    this.note(offset, bytes.length);
  }

  /** Adds `length` bytes of value `fill` that the device now holds at `offset`. */
  addFill(offset: number, length: number, fill: number): void {
    const buf = this.fillOf(fill);
    for (let done = 0; done < length; done += buf.length) this.hash.update(buf.subarray(0, Math.min(buf.length, length - done)));
    this.note(offset, length);
  }

  /** The finished record. */
  finish(): SentRecord {
    return { ranges: this.ranges, sha256: this.hash.digest('hex'), bytes: this.total };
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

/** SHA-256 of the device's content over the record's ranges, read back in chunks through `readAt`. */
export async function digestReadback(record: SentRecord, readAt: ReadAt, chunk: number, progress?: (done: number) => void): Promise<string> {
  const hash = createHash('sha256');
  const buf = new Uint8Array(chunk);
  let done = 0;
  for (const r of record.ranges) {
    for (let off = 0; off < r.length; off += chunk) {
      const n = Math.min(chunk, r.length - off);
      await readAt(r.offset + off, n, buf);
      hash.update(buf.subarray(0, n));
      done += n;
      progress?.(done);
    }
  }
  return hash.digest('hex');
}
