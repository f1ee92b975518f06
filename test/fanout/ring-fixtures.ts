/** Test fixtures for the chunk ring: seeded images made of data and fill extents, and a checking consumer. */
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import type { Extent } from '../../src/images/extent.js';
import { rng } from '../../src/programmers/emulation/options.js';

/** A small seeded PRNG (mulberry32), the one the emulated boards use. */
export { rng };

/** An image as an ordered extent list plus its expanded bytes and their SHA-256. */
export interface TestImage {
  extents: Extent[];
  expanded: Buffer;
  sha256: string;
}

/** A seeded image of about `size` bytes: random-length data runs, 0xFF fills and don't-care fills. */
export function makeImage(seed: number, size: number, maxRun = 300_000): TestImage {
  const r = rng(seed);
  const expanded = Buffer.alloc(size);
  const extents: Extent[] = [];
  let at = 0;
  while (at < size) {
    const len = Math.min(size - at, 1 + Math.floor(r() * maxRun));
    const kind = r();
    if (kind < 0.6) {
      const bytes = Buffer.alloc(len);
      let x = (r() * 0x7fffffff) | 1;
      for (let i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        bytes[i] = x & 0xff;
      }
      bytes.copy(expanded, at);
      // split one data run into several extents sometimes, to exercise packing of contiguous data
      let p = 0;
      while (p < len) {
        const n = r() < 0.5 ? len - p : Math.min(len - p, 1 + Math.floor(r() * 70_000));
        extents.push({ offset: at + p, length: n, bytes: bytes.subarray(p, p + n) });
        p += n;
      }
    } else if (kind < 0.85) {
      expanded.fill(0xff, at, at + len);
      extents.push({ offset: at, length: len, fill: 0xff });
    } else {
      extents.push({ offset: at, length: len, fill: 0, dontCare: true });
    }
    at += len;
  }
  return { extents, expanded, sha256: createHash('sha256').update(expanded).digest('hex') };
}

/**
 * The extents as a source that honours the contract's "bytes valid only until the next extent": every data extent
 * is handed out in one scratch buffer that is scribbled over when the next extent is requested.
 */
export async function* scratchSource(extents: Extent[], delay?: () => Promise<void>): AsyncGenerator<Extent> {
  let scratch = new Uint8Array(0);
  for (const e of extents) {
    if (delay) await delay();
    if ('bytes' in e) {
      if (scratch.length < e.length) scratch = new Uint8Array(e.length);
      scratch.set(e.bytes);
      yield { offset: e.offset, length: e.length, bytes: scratch.subarray(0, e.length) };
      scratch.fill(0xa5);
    } else yield e;
  }
}

/** What a checking consumer saw. */
export interface Seen {
  sha256: string;
  bytes: number;
  dataExtents: number;
  fillExtents: number;
  fillBytes: number;
  /** Data chunks whose bytes changed between receipt and release (a slot reused while referenced). */
  torn: number;
  /** Extents that did not start where the previous one ended. */
  outOfOrder: number;
}

/**
 * Reads `extents` to the end like a programmer would: hashes every byte in order (fills expanded, don't-care as 0),
 * waits `delay()` while holding each chunk, then checks the chunk's CRC-32 again before asking for the next.
 */
export async function consume(extents: AsyncIterable<Extent>, delay: () => Promise<void> | void, stopAfter?: number): Promise<Seen> {
  const h = createHash('sha256');
  const fillBuf = Buffer.alloc(65536);
  const seen: Seen = { sha256: '', bytes: 0, dataExtents: 0, fillExtents: 0, fillBytes: 0, torn: 0, outOfOrder: 0 };
  let n = 0;
  for await (const e of extents) {
    if (e.offset !== seen.bytes) seen.outOfOrder++;
    if ('bytes' in e) {
      seen.dataExtents++;
      const crc = zlib.crc32(e.bytes);
      h.update(e.bytes);
      await delay();
      if (zlib.crc32(e.bytes) !== crc) seen.torn++;
    } else {
      seen.fillExtents++;
      seen.fillBytes += e.length;
      fillBuf.fill(e.dontCare ? 0 : e.fill);
      for (let left = e.length; left > 0; left -= fillBuf.length) h.update(fillBuf.subarray(0, Math.min(left, fillBuf.length)));
      await delay();
    }
    seen.bytes = e.offset + e.length;
    if (stopAfter !== undefined && ++n >= stopAfter) throw new Error(`consumer died after ${n} extents`);
  }
  seen.sha256 = h.digest('hex');
  return seen;
}
