/**
 * The floor: the least work any fan-out design can do for P programmers is one read of the image and P passes over
 * its bytes. Measured by a minimal script: the file is split into one byte range per core; each thread reads its
 * range once (1 MiB reads into a reused buffer) and runs `zlib.crc32` P times over every chunk it read.
 */
import fs from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';

const PASS = `
const fs = require('node:fs'); const zlib = require('node:zlib');
const { workerData: w, parentPort } = require('node:worker_threads');
const buf = Buffer.allocUnsafe(1 << 20); const crc = new Array(w.passes).fill(0);
const fd = fs.openSync(w.path, 'r');
for (let at = w.start; at < w.end; ) {
  const n = fs.readSync(fd, buf, 0, Math.min(buf.length, w.end - at), at);
  if (n <= 0) break;
  for (let p = 0; p < w.passes; p++) crc[p] = zlib.crc32(buf.subarray(0, n), crc[p]);
  at += n;
}
fs.closeSync(fd);
parentPort.postMessage(crc);
`;

/** Reads the file once, split over all cores, running `passes` CRC-32 passes over every byte. */
export async function floorPasses(path: string, passes: number): Promise<void> {
  const size = fs.statSync(path).size;
  const threads = os.availableParallelism();
  const step = Math.ceil(size / threads / 4096) * 4096;
  await Promise.all(
    Array.from(
      { length: threads },
      (_, i) =>
        new Promise<void>((resolve, reject) => {
          const w = new Worker(PASS, { eval: true, workerData: { path, passes, start: Math.min(size, i * step), end: Math.min(size, (i + 1) * step) } });
          w.once('message', () => resolve());
          w.once('error', reject);
        }),
    ),
  );
}
