import fs from 'node:fs';
import path from 'node:path';
import { Piscina } from 'piscina';
import { afterAll, describe, expect, it } from 'vitest';
import { createRing, resetRing, markConsumerDead, waitAsync, type RingViews } from '../../src/fanout/ring-layout.js';
import { RingWriter } from '../../src/fanout/ring-writer.js';
import { openImage } from '../../src/images/open.js';
import { tmpDir } from '../helpers/tmp.js';
import type { ConsumerJob } from './ring-consumer-worker.js';
import { makeImage, rng, type Seen } from './ring-fixtures.js';

const dir = tmpDir('gangflash-ring-');
const workerUrl = new URL('./ring-consumer-worker.ts', import.meta.url);

type Outcome = (Seen & { detachedAt?: number; resumedBytes: number }) | { died: string };

const pool = new Piscina({ filename: workerUrl.href, execArgv: ['--import', 'tsx'], minThreads: 4, maxThreads: 4 });
afterAll(() => pool.destroy());

/** Runs a consumer in its own thread; one that throws gets its consumer marked dead, as the farm session does. */
function consumerThread(ring: RingViews, job: Omit<ConsumerJob, 'sab'>): Promise<Outcome> {
  return pool.run({ ...job, sab: ring.sab }).catch((e: Error) => {
    markConsumerDead(ring, job.consumer);
    return { died: e.message };
  });
}

describe('chunk ring with consumers in worker threads', () => {
  for (const seed of [1, 2, 3]) {
    it(`every thread sees the whole image untorn while one thread dies and one lags (seed ${seed})`, async () => {
      const r = rng(seed);
      const img = makeImage(seed, 2_000_000 + Math.floor(r() * 500_000), 200_000);
      const file = path.join(dir, `img-${seed}.bin`);
      fs.writeFileSync(file, img.expanded);
      const ring = createRing({ slots: 2 + Math.floor(r() * 4), chunkSize: 4096 * (1 + Math.floor(r() * 8)), consumers: 4 });
      resetRing(ring, [0, 1, 2, 3]);
      const gate = new SharedArrayBuffer(4);
      const base = { imagePath: file, maxDelayMs: 2, gate };
      const threads = [
        consumerThread(ring, { ...base, consumer: 0, seed: seed * 10, wait: 'sync' }),
        consumerThread(ring, { ...base, consumer: 1, seed: seed * 10 + 1, wait: 'async', dieAfter: 2 + Math.floor(r() * 4) }),
        consumerThread(ring, { ...base, consumer: 2, seed: seed * 10 + 2, wait: 'sync', lagMs: 15 }),
        consumerThread(ring, { ...base, consumer: 3, seed: seed * 10 + 3, wait: 'async' }),
      ];
      const up = new Int32Array(gate);
      while (Atomics.load(up, 0) < 4) await waitAsync(up, 0, Atomics.load(up, 0), 50);
      const writer = new RingWriter(ring, { slowConsumerMs: 100 });
      const [stats, ...out] = await Promise.all([writer.write((await openImage(file)).extents()), ...threads]);
      expect(out[1]).toMatchObject({ died: expect.stringMatching(/died after/) });
      for (const c of [0, 2, 3]) {
        const o = out[c] as Seen;
        expect([o.sha256, o.torn, o.outOfOrder]).toEqual([img.sha256, 0, 0]);
      }
      expect(stats.detached).toContain(2);
      expect((out[2] as { resumedBytes: number }).resumedBytes).toBeGreaterThan(0);
    });
  }
});
