import { describe, expect, it } from 'vitest';
import { planNand, prepareNand, mapNand, nandImageShape } from '../../src/layout/index.js';
import { LayoutError } from '../../src/errors.js';
import { smallNand } from './chips.js';

const BLOCK = 2048;
const skip = { kind: 'skip' } as const;

function mapOf(plan: ReturnType<typeof planNand>): number[] {
  if (!plan.ok) throw new Error(plan.failure.message);
  return [...plan.map];
}

describe('NAND skip scheme', () => {
  it('maps image blocks one to one on a device without bad blocks', () => {
    expect(mapOf(planNand(smallNand(), 5 * BLOCK, skip, []))).toEqual([0, 1, 2, 3, 4]);
  });

  it('moves data past a bad first block', () => {
    expect(mapOf(planNand(smallNand(), 4 * BLOCK, skip, [0]))).toEqual([1, 2, 3, 4]);
  });

  it('moves data past bad blocks in the middle', () => {
    expect(mapOf(planNand(smallNand(), 6 * BLOCK, skip, [2, 3, 5]))).toEqual([0, 1, 4, 6, 7, 8]);
  });

  it('ignores bad blocks after the data and uses the last good blocks when needed', () => {
    expect(mapOf(planNand(smallNand(), 3 * BLOCK, skip, [31, 30]))).toEqual([0, 1, 2]);
    expect(mapOf(planNand(smallNand(32, 28), 28 * BLOCK, skip, [0, 10, 20, 29]))).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 23, 24, 25, 26, 27, 28, 30, 31,
    ]);
  });

  it('counts a partial last block as a whole image block', () => {
    expect(mapOf(planNand(smallNand(), 2 * BLOCK + 1, skip, [1]))).toEqual([0, 2, 3]);
  });

  it('fails a device whose bad blocks leave fewer good blocks than the image needs', () => {
    const plan = planNand(smallNand(32, 28), 28 * BLOCK, skip, [0, 1, 2, 3, 4]);
    expect(plan.ok).toBe(false);
    if (plan.ok) return;
    expect(plan.failure.code).toBe('too-many-bad-blocks');
    expect(plan.failure.partition).toBe('chip');
    expect(plan.failure.badBlocks).toEqual([0, 1, 2, 3, 4]);
    expect(plan.failure.reserve).toBe(4);
    expect(plan.failure.message).toMatch(/5 bad blocks in the chip .* reserve of 4/);
  });

  it('refuses an image larger than the minimum valid blocks, stating both sizes', () => {
    const err = (() => { try { prepareNand(smallNand(32, 28), 29 * BLOCK, skip); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(LayoutError);
    expect((err as LayoutError).code).toBe('image-too-large');
    expect((err as LayoutError).message).toContain(`${29 * BLOCK} bytes`);
    expect((err as LayoutError).message).toContain(`${28 * BLOCK} bytes`);
  });

  it('reuses one prepared layout for many devices', () => {
    const layout = prepareNand(smallNand(), 3 * BLOCK, skip);
    expect([...(mapNand(layout, [0]) as { map: Int32Array }).map]).toEqual([1, 2, 3]);
    expect([...(mapNand(layout, [1]) as { map: Int32Array }).map]).toEqual([0, 2, 3]);
  });

  it('refuses a bad block number outside the chip', () => {
    expect(() => planNand(smallNand(), BLOCK, skip, [32])).toThrow(/outside TEST-NAND's blocks 0\.\.31/);
  });
});

describe('NAND image shape', () => {
  it('detects data+spare from a size that is whole spare blocks but not whole data blocks', () => {
    const s = nandImageShape(smallNand(), 3 * 2112);
    expect(s).toMatchObject({ withSpare: true, decidedBy: 'size', blockBytes: 2112, imageBlocks: 3 });
  });

  it('takes a size that is whole data blocks as data-only', () => {
    expect(nandImageShape(smallNand(), 3 * 2048)).toMatchObject({ withSpare: false, decidedBy: 'default', imageBlocks: 3 });
  });

  it('takes a size matching both block sizes as data-only unless the job states spare', () => {
    const both = 2048 * 2112; // a multiple of both block sizes
    expect(nandImageShape(smallNand(4096, 4000), both).withSpare).toBe(false);
    expect(nandImageShape(smallNand(4096, 4000), both, { withSpare: true })).toMatchObject({ withSpare: true, decidedBy: 'stated', imageBlocks: 2048 });
  });

  it('refuses a stated data+spare image that is not whole pages', () => {
    expect(() => nandImageShape(smallNand(), 1000, { withSpare: true })).toThrow(/multiple of 528/);
  });

  it('maps a data+spare image by spare-sized blocks', () => {
    const plan = planNand(smallNand(), 4 * 2112, skip, [1]);
    expect(plan.ok && plan.withSpare && plan.blockBytes).toBe(2112);
    expect(mapOf(plan)).toEqual([0, 2, 3, 4]);
  });
});
