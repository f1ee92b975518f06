import type { NandScheme } from '../driver.js';

/** One block range holding a run of image blocks; its spare blocks absorb bad ones. */
interface Region {
  name: string;
  startBlock: number;
  end: number;
  firstUnit: number;
  endUnit: number;
  cursor: number;
}

/**
 * Where one site puts each image block on its NAND: the `skip` scheme (a bad block is skipped, data moves to the next
 * good block), per partition for the partitioned scheme. Built incrementally while the stream arrives so that a block
 * that goes bad during program moves its data on; the result equals src/layout's mapNand for the final bad-block list.
 */
export class NandPlacement {
  /** Image block → physical block; -1 where not placed. */
  readonly map: Int32Array;
  private readonly regions: Region[];

  constructor(scheme: NandScheme | undefined, blocks: number, unitBytes: number, private readonly bad: Uint8Array) {
    this.map = new Int32Array(blocks).fill(-1);
    if (!scheme || scheme.kind === 'skip') {
      this.regions = [{ name: 'chip', startBlock: 0, end: blocks, firstUnit: 0, endUnit: Infinity, cursor: 0 }];
    } else {
      this.regions = scheme.partitions.map((p) => ({
        name: p.name,
        startBlock: p.startBlock,
        end: p.startBlock + p.blocks,
        firstUnit: Math.floor(p.imageOffset / unitBytes),
        endUnit: Math.ceil((p.imageOffset + p.imageLength) / unitBytes),
        cursor: p.startBlock,
      }));
    }
  }

  /**
   * Places image block `u` (called in increasing order; again for the same `u` after its block went bad) on the next
   * good block of its region. Returns the physical block, or a message when the region has run out of good blocks.
   */
  place(u: number): number | string {
    const r = this.regions.find((x) => u >= x.firstUnit && u < x.endUnit);
    if (!r) return `image block ${u} lies in no partition of the NAND scheme`;
    while (r.cursor < r.end && this.bad[r.cursor] === 1) r.cursor++;
    if (r.cursor >= r.end) {
      let n = 0;
      for (let b = r.startBlock; b < r.end; b++) n += this.bad[b];
      const where = r.name === 'chip' ? 'the chip' : `partition "${r.name}"`;
      return `${n} bad blocks in ${where} leave no good block for image block ${u} (blocks ${r.startBlock}..${r.end - 1})`;
    }
    this.map[u] = r.cursor;
    return r.cursor++;
  }
}
