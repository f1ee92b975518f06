/** A ring consumer in its own worker thread (a piscina task), for the ring tests: seeded random pauses, optionally dies or lags. */
import { RingReader } from '../../src/fanout/ring-reader.js';
import { extentsFrom } from '../../src/fanout/resume.js';
import { openImage } from '../../src/images/open.js';
import { consume, rng, type Seen } from './ring-fixtures.js';

/** What the test gives each consumer worker. */
export interface ConsumerJob {
  sab: SharedArrayBuffer;
  consumer: number;
  seed: number;
  /** Longest random pause while holding a chunk, ms. */
  maxDelayMs: number;
  /** Pause on every chunk while still on the ring (a slow programmer), ms. @default 0 */
  lagMs?: number;
  /** Throw (the thread dies) after this many extents. */
  dieAfter?: number;
  imagePath: string;
  wait: 'sync' | 'async';
  /** Int32 counter each consumer bumps when its thread is up, so the test starts writing with everyone there. */
  gate: SharedArrayBuffer;
}

/** The piscina task: consume the ring to the end (or die), report what was seen. */
export default async function ringConsumer(job: ConsumerJob): Promise<Seen & { detachedAt?: number; resumedBytes: number }> {
  const r = rng(job.seed);
  const nap = new Int32Array(new SharedArrayBuffer(4));
  const reader = new RingReader(job.sab, job.consumer, {
  wait: job.wait,
  resume: (offset) =>
    (async function* () {
      yield* extentsFrom((await openImage(job.imagePath)).extents(), offset);
    })(),
});
  const delay = () => {
    const ms = reader.detachedAt === undefined && job.lagMs ? job.lagMs : r() < 0.6 ? 0 : r() * job.maxDelayMs;
    if (ms > 0) Atomics.wait(nap, 0, 0, ms); // a busy programmer: the thread is taken
  };
  const gate = new Int32Array(job.gate);
  Atomics.add(gate, 0, 1);
  Atomics.notify(gate, 0);
  const seen = await consume(reader, delay, job.dieAfter);
  return { ...seen, detachedAt: reader.detachedAt, resumedBytes: reader.resumedBytes };
}
