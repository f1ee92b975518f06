import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { planNand, prepareNand, mapNand, parsePartitionTable } from '../../src/layout/index.js';
import type { NandPartition, NandScheme } from '../../src/layout/target.js';
import { LayoutError } from '../../src/errors.js';
import { smallNand } from './chips.js';

const BLOCK = 2048;
const chip = smallNand(32, 28);
/** boot: blocks 0..3 hold 2 image blocks (reserve 2); rootfs: blocks 4..15 hold 10 (reserve 2); data: 16..31 hold 4. */
const table: NandPartition[] = [
  { name: 'boot', startBlock: 0, blocks: 4, imageOffset: 0, imageLength: 2 * BLOCK },
  { name: 'rootfs', startBlock: 4, blocks: 12, imageOffset: 2 * BLOCK, imageLength: 10 * BLOCK },
  { name: 'data', startBlock: 16, blocks: 16, imageOffset: 12 * BLOCK, imageLength: 4 * BLOCK },
];
const scheme: NandScheme = { kind: 'partitions', partitions: table };
const IMAGE = 16 * BLOCK;

function layoutError(fn: () => unknown): LayoutError {
  try {
    fn();
  } catch (e) {
    if (e instanceof LayoutError) return e;
    throw e;
  }
  throw new Error('expected a LayoutError');
}

describe('NAND partitioned skip scheme', () => {
  it('keeps each partition\'s data inside it, skipping its bad blocks', () => {
    const plan = planNand(chip, IMAGE, scheme, [1, 4, 17]);
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect([...plan.map]).toEqual([0, 2, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 18, 19, 20]);
  });

  it('accepts bad blocks that use a partition\'s reserve exactly', () => {
    const plan = planNand(chip, IMAGE, scheme, [4, 9]);
    expect(plan.ok).toBe(true);
    if (plan.ok) expect([...plan.map.subarray(2, 12)]).toEqual([5, 6, 7, 8, 10, 11, 12, 13, 14, 15]);
  });

  it('fails with too-many-bad-blocks naming the partition, its bad blocks and its reserve', () => {
    const plan = planNand(chip, IMAGE, scheme, [4, 9, 15, 20]);
    expect(plan.ok).toBe(false);
    if (plan.ok) return;
    expect(plan.failure).toMatchObject({ code: 'too-many-bad-blocks', partition: 'rootfs', badBlocks: [4, 9, 15], reserve: 2 });
    expect(plan.failure.message).toContain('partition "rootfs"');
  });

  it('lets a partition with zero reserve pass only a device without bad blocks there', () => {
    const tight: NandScheme = { kind: 'partitions', partitions: [{ name: 'all', startBlock: 0, blocks: 32, imageOffset: 0, imageLength: 32 * BLOCK }] };
    expect(planNand(chip, 32 * BLOCK, tight, []).ok).toBe(true);
    const plan = planNand(chip, 32 * BLOCK, tight, [31]);
    expect(!plan.ok && plan.failure.reserve).toBe(0);
  });

  it('refuses overlapping partitions', () => {
    const bad = [table[0], { ...table[1], startBlock: 3 }, table[2]];
    expect(layoutError(() => prepareNand(chip, IMAGE, { kind: 'partitions', partitions: bad })).code).toBe('partition-overlap');
  });

  it('refuses a partition outside the chip', () => {
    const bad = [table[0], table[1], { ...table[2], blocks: 17 }];
    const e = layoutError(() => prepareNand(chip, IMAGE, { kind: 'partitions', partitions: bad }));
    expect(e.code).toBe('partition-outside-chip');
    expect(e.message).toContain('"data"');
  });

  it('refuses an image range past the end of the image', () => {
    const bad = [table[0], table[1], { ...table[2], imageLength: 5 * BLOCK }];
    expect(layoutError(() => prepareNand(chip, IMAGE, { kind: 'partitions', partitions: bad })).code).toBe('partition-range-outside-image');
  });

  it('refuses an image range that is not block-aligned', () => {
    const bad = [{ ...table[0], imageLength: 2 * BLOCK - 512 }, { ...table[1], imageOffset: 2 * BLOCK - 512 }, table[2]];
    expect(layoutError(() => prepareNand(chip, IMAGE, { kind: 'partitions', partitions: bad })).code).toBe('partition-not-aligned');
  });

  it('refuses image bytes that belong to no partition', () => {
    const bad = [table[0], table[1]];
    expect(layoutError(() => prepareNand(chip, IMAGE, { kind: 'partitions', partitions: bad })).code).toBe('image-not-covered');
  });

  it('refuses a partition too small for its image range', () => {
    const bad = [{ ...table[0], imageLength: 5 * BLOCK }, { ...table[1], imageOffset: 5 * BLOCK, imageLength: 7 * BLOCK }, table[2]];
    expect(layoutError(() => prepareNand(chip, IMAGE, { kind: 'partitions', partitions: bad })).code).toBe('partition-too-small');
  });
});

describe('partition table file', () => {
  it('parses entries with decimal and hex numbers', () => {
    const t = parsePartitionTable('[{"name":"boot","startBlock":0,"blocks":"0x4","imageOffset":0,"imageLength":"4096"}]', 'p.json');
    expect(t).toEqual([{ name: 'boot', startBlock: 0, blocks: 4, imageOffset: 0, imageLength: 4096 }]);
  });

  it('names the file and the entry of a bad field', () => {
    const e = layoutError(() => parsePartitionTable('[{"name":"a","startBlock":0,"blocks":1,"imageOffset":0,"imageLength":0},{"name":"b","startBlock":-1,"blocks":1,"imageOffset":0,"imageLength":0}]', 'parts.json'));
    expect(e.file).toBe('parts.json');
    expect(e.describe()).toMatch(/^parts\.json: entry 2 "b": startBlock must be a whole number/);
  });

  it('refuses unknown fields, missing fields and non-JSON', () => {
    expect(layoutError(() => parsePartitionTable('[{"name":"a","start":0}]', 'f')).message).toMatch(/unknown field\(s\) start/);
    expect(layoutError(() => parsePartitionTable('[{"name":"a","startBlock":0}]', 'f')).message).toMatch(/blocks is missing/);
    expect(layoutError(() => parsePartitionTable('{', 'f')).code).toBe('partition-table-json');
  });
});

/** Random partition tables over a random chip with random bad-block lists within each partition's reserve. */
const caseArb = fc
  .array(fc.record({ gap: fc.nat(3), need: fc.nat(6), reserve: fc.nat(4) }), { minLength: 1, maxLength: 6 })
  .chain((parts) => {
    let block = 0;
    let offset = 0;
    const partitions: NandPartition[] = parts.map((p, i) => {
      const startBlock = block + p.gap;
      const blocks = Math.max(1, p.need + p.reserve);
      const need = Math.min(p.need, blocks);
      const part = { name: `p${i}`, startBlock, blocks, imageOffset: offset, imageLength: need * BLOCK };
      block = startBlock + blocks;
      offset += need * BLOCK;
      return part;
    });
    const chipBlocks = block + 2;
    const badArb = fc.tuple(
      ...partitions.map((p) => fc.subarray(Array.from({ length: p.blocks }, (_, k) => p.startBlock + k), { maxLength: p.blocks - p.imageLength / BLOCK })),
      fc.subarray([block, block + 1]),
    );
    return fc.record({ partitions: fc.constant(partitions), chipBlocks: fc.constant(chipBlocks), imageBytes: fc.constant(offset), bad: badArb.map((l) => l.flat()) });
  })
  .filter((c) => c.imageBytes > 0);

describe('NAND map properties', () => {
  it('within reserve, the map is strictly increasing, never hits a bad block and stays inside each partition', () => {
    fc.assert(
      fc.property(caseArb, ({ partitions, chipBlocks, imageBytes, bad }) => {
        const c = smallNand(chipBlocks, chipBlocks);
        const layout = prepareNand(c, imageBytes, { kind: 'partitions', partitions });
        const plan = mapNand(layout, bad);
        expect(plan.ok).toBe(true);
        if (!plan.ok) return;
        const badSet = new Set(bad);
        for (let i = 1; i < plan.map.length; i++) expect(plan.map[i]).toBeGreaterThan(plan.map[i - 1]);
        for (const phys of plan.map) expect(badSet.has(phys)).toBe(false);
        for (const p of partitions) {
          for (let k = p.imageOffset / BLOCK; k < (p.imageOffset + p.imageLength) / BLOCK; k++) {
            expect(plan.map[k]).toBeGreaterThanOrEqual(p.startBlock);
            expect(plan.map[k]).toBeLessThan(p.startBlock + p.blocks);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('one bad block more than the reserve of a partition holding data always fails that partition', () => {
    fc.assert(
      fc.property(caseArb, fc.nat(), ({ partitions, chipBlocks, imageBytes }, pick) => {
        const holding = partitions.filter((q) => q.imageLength > 0);
        const p = holding[pick % holding.length];
        const reserve = p.blocks - p.imageLength / BLOCK;
        const bad = Array.from({ length: reserve + 1 }, (_, k) => p.startBlock + k);
        const plan = planNand(smallNand(chipBlocks, chipBlocks), imageBytes, { kind: 'partitions', partitions }, bad);
        expect(plan.ok).toBe(false);
        if (!plan.ok) expect(plan.failure).toMatchObject({ partition: p.name, reserve, badBlocks: bad });
      }),
      { numRuns: 200 },
    );
  });
});
