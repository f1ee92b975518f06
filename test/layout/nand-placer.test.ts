import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NandPlacer, placerRegions, prepareNand, mapNand } from '../../src/layout/index.js';
import type { NandScheme } from '../../src/layout/target.js';
import { smallNand } from './chips.js';

const BLOCK = 2048;
const runs = Number(process.env.FUZZ_RUNS ?? 300);

/** The rule written out the slow way, as the oracle: image block k of a region is the region's k-th good block. */
function nthGood(bad: Set<number>, start: number, blocks: number, k: number): number {
  let seen = 0;
  for (let b = start; b < start + blocks; b++) {
    if (bad.has(b)) continue;
    if (seen++ === k) return b;
  }
  return -1;
}

/** A chip size, its bad blocks, and a valid scheme: skip, or 1-3 partitions splitting the chip and the image. */
const device = fc
  .record({ blocks: fc.integer({ min: 8, max: 96 }), parts: fc.integer({ min: 0, max: 3 }), fill: fc.double({ min: 0.1, max: 1, noNaN: true }), badShare: fc.double({ min: 0, max: 0.4, noNaN: true }), seed: fc.integer() })
  .map(({ blocks, parts, fill, badShare, seed }) => {
    let x = seed >>> 0 || 1;
    const rnd = () => ((x = (x * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const bad = new Set<number>();
    for (let b = 0; b < blocks; b++) if (rnd() < badShare) bad.add(b);
    if (parts === 0) {
      const imageBlocks = Math.max(1, Math.floor(blocks * fill * 0.7));
      return { blocks, bad, scheme: { kind: 'skip' } as NandScheme, imageBlocks };
    }
    const size = Math.floor(blocks / parts);
    let imageAt = 0;
    const partitions = Array.from({ length: parts }, (_, i) => {
      const n = i === parts - 1 ? blocks - size * i : size;
      const take = Math.max(1, Math.floor(n * fill * 0.7));
      const p = { name: `p${i}`, startBlock: size * i, blocks: n, imageOffset: imageAt * BLOCK, imageLength: take * BLOCK };
      imageAt += take;
      return p;
    });
    return { blocks, bad, scheme: { kind: 'partitions', partitions } as NandScheme, imageBlocks: imageAt };
  });

/** Where the oracle puts image block u, or -1 when its region has run out of good blocks. */
function expected(d: { blocks: number; bad: Set<number>; scheme: NandScheme }, u: number): number {
  if (d.scheme.kind === 'skip') return nthGood(d.bad, 0, d.blocks, u);
  const p = d.scheme.partitions.find((q) => u * BLOCK >= q.imageOffset && u * BLOCK < q.imageOffset + q.imageLength)!;
  return nthGood(d.bad, p.startBlock, p.blocks, u - p.imageOffset / BLOCK);
}

function tableOf(blocks: number, bad: Set<number>): Uint8Array {
  const t = new Uint8Array(blocks);
  for (const b of bad) t[b] = 1;
  return t;
}

describe('NAND placer (the one bad-block rule of the planner, the sim and the USB drivers)', () => {
  it('a streamed image lands block by block on the k-th good block of its region, as the planner maps it', () => {
    fc.assert(
      fc.property(device, (d) => {
        const placer = new NandPlacer(placerRegions(d.scheme, d.blocks, BLOCK), tableOf(d.blocks, d.bad));
        const plan = mapNand(prepareNand(smallNand(d.blocks, d.blocks), d.imageBlocks * BLOCK, d.scheme), [...d.bad]);
        let failed = false;
        for (let u = 0; u < d.imageBlocks; u++) {
          const got = placer.place(u);
          const want = expected(d, u);
          if (want < 0) {
            expect(typeof got).toBe('object');
            expect(typeof got !== 'number' && got.code).toBe('too-many-bad-blocks');
            failed = true;
            break;
          }
          expect(got).toBe(want);
          if (plan.ok) expect(plan.map[u]).toBe(want);
        }
        expect(plan.ok).toBe(!failed);
      }),
      { numRuns: runs },
    );
  });

  it('a block that goes bad while programming moves its data on, as if it had been bad from the start', () => {
    fc.assert(
      fc.property(device, fc.double({ min: 0, max: 1, noNaN: true }), (d, at) => {
        const table = tableOf(d.blocks, d.bad);
        const placer = new NandPlacer(placerRegions(d.scheme, d.blocks, BLOCK), table);
        const grownAt = Math.floor(at * d.imageBlocks);
        const grown = new Set(d.bad);
        for (let u = 0; u < d.imageBlocks; u++) {
          let got = placer.place(u);
          if (u === grownAt && typeof got === 'number') {
            table[got] = 1; // program status FAIL: the block is marked bad and the same image block is placed again
            grown.add(got);
            got = placer.place(u);
          }
          const want = expected({ ...d, bad: grown }, u);
          if (want < 0) {
            expect(typeof got).toBe('object');
            return;
          }
          expect(got).toBe(want);
        }
      }),
      { numRuns: runs },
    );
  });

  it('random access (read-back, serial writes) finds the block the stream put the data on', () => {
    fc.assert(
      fc.property(device, fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), (d, picks) => {
        const placer = new NandPlacer(placerRegions(d.scheme, d.blocks, BLOCK), tableOf(d.blocks, d.bad));
        for (const pick of picks) {
          const u = pick % d.imageBlocks;
          const got = placer.physical(u);
          const want = expected(d, u);
          if (want < 0) expect(typeof got).toBe('object');
          else expect(got).toBe(want);
        }
      }),
      { numRuns: runs },
    );
  });

  it('names the partition, its bad blocks and the image block that found no good block', () => {
    const scheme: NandScheme = { kind: 'partitions', partitions: [{ name: 'boot', startBlock: 0, blocks: 4, imageOffset: 0, imageLength: 3 * BLOCK }, { name: 'rootfs', startBlock: 4, blocks: 12, imageOffset: 3 * BLOCK, imageLength: 5 * BLOCK }] };
    const bad = tableOf(16, new Set([1, 2]));
    const placer = new NandPlacer(placerRegions(scheme, 16, BLOCK), bad);
    expect([placer.place(0), placer.place(1)]).toEqual([0, 3]);
    const third = placer.place(2);
    expect(third).toMatchObject({ code: 'too-many-bad-blocks', partition: 'boot', badBlocks: [1, 2] });
    expect(typeof third !== 'number' && third.message).toMatch(/2 bad blocks in partition "boot" \(1, 2\) exceed its reserve of 1 blocks/);
    expect(placer.place(3)).toBe(4);
    expect(placer.place(99)).toMatchObject({ code: 'outside-scheme' });
  });
});
