import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRing, resetRing, ringBytes, CONSUMER_DETACHED, consumerState } from '../../src/fanout/ring-layout.js';
import { RingWriter } from '../../src/fanout/ring-writer.js';
import { RingReader } from '../../src/fanout/ring-reader.js';
import { extentsFrom } from '../../src/fanout/resume.js';
import type { Extent } from '../../src/images/extent.js';
import { consume, makeImage, rng, scratchSource } from './ring-fixtures.js';

const sleep = (ms: number) => new Promise<void>((r) => (ms <= 0 ? setImmediate(r) : setTimeout(r, ms)));

/** Random short pauses: mostly none, sometimes a tick, sometimes a few ms. */
function jitter(seed: number, maxMs = 3): () => Promise<void> {
  const r = rng(seed);
  return () => {
    const x = r();
    if (x < 0.5) return Promise.resolve();
    return sleep(x < 0.8 ? 0 : Math.floor(r() * maxMs));
  };
}

function ringFor(consumers: number, slots = 4, chunkSize = 16384) {
  const ring = createRing({ slots, chunkSize, consumers });
  resetRing(ring, Array.from({ length: consumers }, (_, c) => c));
  return ring;
}

describe('chunk ring (in-process consumers)', () => {
  it('every consumer sees every byte in order and no chunk changes while held, under randomized timings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1e9 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 2, max: 6 }),
        fc.constantFrom(4096, 10_000, 65_536),
        async (seed, consumers, slots, chunkSize) => {
          const img = makeImage(seed, 400_000, 60_000);
          const ring = ringFor(consumers, slots, chunkSize);
          const writer = new RingWriter(ring, { slowConsumerMs: Infinity });
          const readers = Array.from({ length: consumers }, (_, c) => new RingReader(ring.sab, c));
          const [stats, ...seen] = await Promise.all([
            writer.write(scratchSource(img.extents, jitter(seed ^ 7))),
            ...readers.map((r, c) => consume(r, jitter(seed + c))),
          ]);
          for (const s of seen) {
            expect(s.sha256).toBe(img.sha256);
            expect(s.torn).toBe(0);
            expect(s.outOfOrder).toBe(0);
          }
          expect(stats.detached).toEqual([]);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('fill regions travel as descriptors: a 1 TiB fill passes through a 64 KiB ring as one item', async () => {
    const big = 2 ** 40;
    const extents: Extent[] = [
      { offset: 0, length: 5000, bytes: new Uint8Array(5000).fill(7) },
      { offset: 5000, length: big, fill: 0xff },
      { offset: 5000 + big, length: 4096, fill: 0, dontCare: true },
    ];
    const ring = ringFor(1, 4, 16384);
    const got: Extent[] = [];
    const reader = new RingReader(ring.sab, 0);
    const [stats] = await Promise.all([
      new RingWriter(ring).write(scratchSource(extents)),
      (async () => {
        for await (const e of reader) got.push('bytes' in e ? { offset: e.offset, length: e.length, bytes: e.bytes.slice() } : e);
      })(),
    ]);
    expect(ringBytes(ring.geometry)).toBeLessThan(70_000);
    expect(stats).toMatchObject({ items: 3, dataBytes: 5000, fillBytes: big + 4096 });
    expect(got.map((e) => ('bytes' in e ? 'data' : `fill:${e.fill}:${e.dontCare ?? false}`))).toEqual(['data', 'fill:255:false', 'fill:0:true']);
    expect(got[1]).toEqual({ offset: 5000, length: big, fill: 0xff });
  });

  it('data extents are views into the shared ring, not copies', async () => {
    const img = makeImage(3, 100_000);
    const ring = ringFor(1);
    const reader = new RingReader(ring.sab, 0);
    let views = 0;
    await Promise.all([
      new RingWriter(ring).write(scratchSource(img.extents)),
      (async () => {
        for await (const e of reader) if ('bytes' in e) views += e.bytes.buffer === ring.sab ? 1 : 0;
      })(),
    ]);
    expect(views).toBeGreaterThan(0);
  });

  it('a consumer that dies mid-image does not block the others', async () => {
    const img = makeImage(11, 600_000, 50_000);
    const ring = ringFor(3, 3, 8192);
    const readers = [0, 1, 2].map((c) => new RingReader(ring.sab, c));
    const dying = consume(readers[1], jitter(5), 4).catch((err: Error) => {
      readers[1].markDead();
      return err.message;
    });
    const [stats, a, died, b] = await Promise.all([
      new RingWriter(ring, { slowConsumerMs: Infinity }).write(scratchSource(img.extents)),
      consume(readers[0], jitter(1)),
      dying,
      consume(readers[2], jitter(2)),
    ]);
    expect(died).toMatch(/died after 4/);
    expect([a.sha256, b.sha256]).toEqual([img.sha256, img.sha256]);
    expect(stats.stopped).toBe(false);
  });

  it('a consumer that is marked dead without ever reading does not block the others', async () => {
    const img = makeImage(12, 300_000);
    const ring = ringFor(2, 2, 4096);
    const writing = new RingWriter(ring, { slowConsumerMs: Infinity }).write(scratchSource(img.extents));
    const seen = consume(new RingReader(ring.sab, 0), jitter(3));
    await sleep(5);
    new RingReader(ring.sab, 1).markDead();
    expect((await seen).sha256).toBe(img.sha256);
    await writing;
  });

  it('the writer stops reading the image once every consumer has left', async () => {
    const img = makeImage(13, 2_000_000, 20_000);
    const ring = ringFor(2, 2, 4096);
    let pulled = 0;
    const counted = (async function* () {
      for await (const e of scratchSource(img.extents)) {
        pulled++;
        yield e;
      }
    })();
    const early = async (c: number) => {
      for await (const e of new RingReader(ring.sab, c)) if (e.offset > 50_000) break;
    };
    const [stats] = await Promise.all([new RingWriter(ring).write(counted), early(0), early(1)]);
    expect(stats.stopped).toBe(true);
    expect(pulled).toBeLessThan(img.extents.length);
  });

  it('an image that cannot be read makes every reader fail instead of hanging', async () => {
    const ring = ringFor(2);
    const broken = (async function* (): AsyncGenerator<Extent> {
      yield { offset: 0, length: 100, bytes: new Uint8Array(100) };
      throw new Error('disk gone');
    })();
    const reading = [0, 1].map((c) => consume(new RingReader(ring.sab, c), () => undefined).then(() => 'ok', (e: { code?: string }) => e.code));
    await expect(new RingWriter(ring).write(broken)).rejects.toThrow('disk gone');
    expect(await Promise.all(reading)).toEqual(['fanout-image-aborted', 'fanout-image-aborted']);
  });
});

describe('slow-consumer policy', () => {
  it('a consumer that holds the oldest slot while another starves is detached and finishes from the file', async () => {
    const img = makeImage(21, 800_000, 40_000);
    const ring = ringFor(3, 3, 8192);
    const detachedSeen: number[] = [];
    const writer = new RingWriter(ring, { slowConsumerMs: 20, onDetach: (c) => detachedSeen.push(c) });
    const resume = (offset: number) => extentsFrom(scratchSource(img.extents), offset);
    const slow = new RingReader(ring.sab, 1, { resume });
    const fast = [0, 2].map((c) => new RingReader(ring.sab, c, { resume }));
    const r = rng(9);
    const [stats, a, s, b] = await Promise.all([
      writer.write(scratchSource(img.extents)),
      consume(fast[0], jitter(1, 1)),
      consume(slow, () => sleep(slow.detachedAt === undefined ? 5 + Math.floor(r() * 5) : 0)),
      consume(fast[1], jitter(2, 1)),
    ]);
    expect(stats.detached).toContain(1);
    expect(detachedSeen).toEqual(stats.detached);
    expect(consumerState(ring, 1)).toBe(CONSUMER_DETACHED);
    expect(slow.detachedAt).toBeGreaterThan(0);
    expect(slow.resumedBytes).toBeGreaterThan(0);
    for (const x of [a, s, b]) {
      expect(x.sha256).toBe(img.sha256);
      expect(x.torn).toBe(0);
      expect(x.outOfOrder).toBe(0);
    }
  });

  it('detached or not, every consumer sees the whole image untorn when the policy fires at random moments', async () => {
    let fired = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 2, max: 4 }), fc.integer({ min: 1, max: 8 }), async (seed, consumers, slowMs) => {
        const img = makeImage(seed, 300_000, 30_000);
        const ring = ringFor(consumers, 3, 4096);
        const resume = (offset: number) => extentsFrom(scratchSource(img.extents), offset);
        const readers = Array.from({ length: consumers }, (_, c) => new RingReader(ring.sab, c, { resume }));
        const [stats, ...seen] = await Promise.all([
          new RingWriter(ring, { slowConsumerMs: slowMs }).write(scratchSource(img.extents)),
          ...readers.map((r, c) => consume(r, jitter(seed + c, c + 1))),
        ]);
        for (const x of seen) expect([x.sha256, x.torn, x.outOfOrder]).toEqual([img.sha256, 0, 0]);
        expect(stats.detached.length).toBeLessThan(consumers);
        fired += stats.detached.length;
      }),
      { numRuns: 15 },
    );
    expect(fired).toBeGreaterThan(0);
  });

  it('when every consumer is behind (all still erasing), nobody is detached', async () => {
    const img = makeImage(22, 200_000);
    const ring = ringFor(3, 4, 16384);
    const late = async (c: number) => {
      await sleep(60);
      return consume(new RingReader(ring.sab, c), () => undefined);
    };
    const [stats, ...seen] = await Promise.all([new RingWriter(ring, { slowConsumerMs: 30 }).write(scratchSource(img.extents)), late(0), late(1), late(2)]);
    expect(stats.detached).toEqual([]);
    for (const s of seen) expect(s.sha256).toBe(img.sha256);
  });
});
