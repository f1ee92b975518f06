import type { Extent } from '../../src/images/extent.js';

/** One piece of a generated image: `data` bytes from a seeded generator, or a fill run. */
export type Piece = { data: number } | { fill: number; length: number; dontCare?: boolean };

/** A generated image: its pieces and its expanded size. */
export interface GeneratedImage {
  pieces: Piece[];
  size: number;
  /** Streams the image; data bytes come through ONE reused buffer, as real readers do. */
  extents(): AsyncIterable<Extent>;
  /** The expanded bytes (for checks in tests only). */
  bytes(): Uint8Array;
}

/** The byte at image offset `i` of data pieces (xorshift from the offset, so it is reproducible). */
function dataByte(seed: number, i: number): number {
  let x = (i + 1) * 2654435761 + seed;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x & 0xff;
}

/** Builds an image from pieces; data extents arrive in chunks of at most `chunk` bytes. */
export function generateImage(pieces: Piece[], seed = 1, chunk = 48 * 1024): GeneratedImage {
  const size = pieces.reduce((n, p) => n + ('data' in p ? p.data : p.length), 0);
  const fillAt = (buf: Uint8Array, offset: number) => {
    for (let k = 0; k < buf.length; k++) buf[k] = dataByte(seed, offset + k);
  };
  return {
    pieces,
    size,
    async *extents() {
      const buf = new Uint8Array(chunk);
      let offset = 0;
      for (const p of pieces) {
        if ('data' in p) {
          for (let done = 0; done < p.data; ) {
            const n = Math.min(chunk, p.data - done);
            const view = buf.subarray(0, n);
            fillAt(view, offset);
            yield { offset, length: n, bytes: view };
            offset += n;
            done += n;
          }
        } else {
          yield { offset, length: p.length, fill: p.fill, dontCare: p.dontCare };
          offset += p.length;
        }
      }
    },
    bytes() {
      const out = new Uint8Array(size);
      let offset = 0;
      for (const p of pieces) {
        if ('data' in p) {
          fillAt(out.subarray(offset, offset + p.data), offset);
          offset += p.data;
        } else {
          out.fill(p.fill, offset, offset + p.length);
          offset += p.length;
        }
      }
      return out;
    },
  };
}
