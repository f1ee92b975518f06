import fs from 'node:fs';

/** One region of a generated image: pseudo-random data or a repeated byte. */
export interface ImageRegion {
  bytes: number;
  fill?: number;
}

/**
 * Writes a demo image made of regions (seeded pseudo-random data, or fill bytes), streaming 1 MiB at a time so the
 * image never sits in memory whole. The same seed gives the same file.
 */
export function writeDemoImage(file: string, regions: ImageRegion[], seed: number): number {
  const chunk = Buffer.alloc(1 << 20);
  const words = new Uint32Array(chunk.buffer, chunk.byteOffset, chunk.length / 4);
  let x = seed >>> 0 || 0x9e3779b9;
  const fd = fs.openSync(file, 'w');
  let total = 0;
  try {
    for (const r of regions) {
      let left = r.bytes;
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        if (r.fill !== undefined) chunk.fill(r.fill, 0, n);
        else {
          for (let i = 0; i < Math.ceil(n / 4); i++) {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            words[i] = x >>> 0;
          }
        }
        fs.writeSync(fd, chunk, 0, n);
        left -= n;
        total += n;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return total;
}
