import { describe, expect, it } from 'vitest';
import { createRing, resetRing } from '../../src/fanout/ring-layout.js';
import { RingWriter } from '../../src/fanout/ring-writer.js';
import { RingReader } from '../../src/fanout/ring-reader.js';
import { isData, type Extent } from '../../src/images/extent.js';
import { holdExtent } from '../../src/images/extent-hold.js';

const CHUNK = 4096;

/** An image of `n` chunks; chunk i is filled with byte i + 1 (data extents from one reused buffer). */
async function* chunks(n: number): AsyncGenerator<Extent> {
  const buf = new Uint8Array(CHUNK);
  for (let i = 0; i < n; i++) {
    buf.fill((i + 1) & 0xff);
    yield { offset: i * CHUNK, length: CHUNK, bytes: buf };
  }
}

describe('chunk ring holds', () => {
  it('a held chunk keeps its bytes while the consumer reads on, and its slot is reused only after release', async () => {
    const ring = createRing({ slots: 8, chunkSize: CHUNK, consumers: 2 });
    resetRing(ring, [0, 1]);
    const writing = new RingWriter(ring, { slowConsumerMs: Infinity }).write(chunks(40));
    const other = (async () => {
      for await (const e of new RingReader(ring.sab, 1)) void e; // a fast second consumer
    })();
    const held: { first: number; bytes: Uint8Array; release: () => void }[] = [];
    let refused = 0;
    let n = 0;
    for await (const e of new RingReader(ring.sab, 0)) {
      if (!isData(e)) continue;
      const release = holdExtent(e);
      if (release) held.push({ first: e.bytes[0], bytes: e.bytes, release });
      else refused++;
      // release the oldest holds in order once three are kept (with the current one: half the ring), after checking no byte of theirs changed
      while (held.length > 3 || (release === undefined && held.length > 0)) {
        const h = held.shift()!;
        expect(h.bytes.every((b) => b === h.first)).toBe(true);
        h.release();
      }
      n++;
    }
    for (const h of held) {
      expect(h.bytes.every((b) => b === h.first)).toBe(true);
      h.release();
    }
    await Promise.all([writing, other]);
    expect(n).toBe(40);
    expect(refused).toBe(0);
  });

  it('a consumer cannot hold more than half the ring, so the writer always has a slot to fill', async () => {
    const ring = createRing({ slots: 4, chunkSize: CHUNK, consumers: 1 });
    resetRing(ring, [0]);
    const writing = new RingWriter(ring, { slowConsumerMs: Infinity }).write(chunks(12));
    const releases: (() => void)[] = [];
    let refused = 0;
    for await (const e of new RingReader(ring.sab, 0)) {
      const r = holdExtent(e);
      if (r) releases.push(r);
      else {
        refused++;
        for (const x of releases.splice(0)) x();
      }
    }
    for (const x of releases) x();
    const stats = await writing;
    expect(stats.items).toBe(12);
    expect(refused).toBeGreaterThan(0);
  });
});
