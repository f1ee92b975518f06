import type { NandScheme } from './target.js';

/**
 * A block range of the chip and the image blocks it holds. `imageBlocks` is Infinity for the whole-chip `skip` scheme
 * when the image size is not known (a driver streaming the image).
 */
export interface PlacerRegion {
  /** Partition name, or `chip` for the whole-chip `skip` scheme. */
  name: string;
  startBlock: number;
  blocks: number;
  firstImageBlock: number;
  imageBlocks: number;
}

/** Why an image block has no physical block on this device. */
export interface PlacementFailure {
  /** `too-many-bad-blocks`: the region ran out of good blocks; `outside-scheme`: no partition holds the block. */
  code: 'too-many-bad-blocks' | 'outside-scheme';
  /** The region's name (`chip` for skip), when there is one. */
  partition?: string;
  /** The device's bad blocks inside that region, ascending. */
  badBlocks: number[];
  message: string;
}

/** The regions of a scheme, from the scheme alone (no image size: skip covers every block). */
export function placerRegions(scheme: NandScheme | undefined, chipBlocks: number, blockBytes: number): PlacerRegion[] {
  if (!scheme || scheme.kind === 'skip') return [{ name: 'chip', startBlock: 0, blocks: chipBlocks, firstImageBlock: 0, imageBlocks: Infinity }];
  return scheme.partitions.map((p) => ({
    name: p.name,
    startBlock: p.startBlock,
    blocks: p.blocks,
    firstImageBlock: Math.floor(p.imageOffset / blockBytes),
    imageBlocks: Math.ceil((p.imageOffset + p.imageLength) / blockBytes) - Math.floor(p.imageOffset / blockBytes),
  }));
}

/**
 * The one bad-block rule of every NAND path (the planner's `mapNand`, the sim, the USB drivers): inside each region,
 * image block k goes on the region's next good block after image block k−1's; a bad block is skipped. Blocks are
 * placed as the image streams in, so a block that goes bad while programming (the caller marks it in `bad` and asks
 * again for the same image block) moves its data on to the next good block.
 */
export class NandPlacer {
  /** Image block → physical block; -1 where not placed yet. */
  readonly map: Int32Array;
  private readonly cursor: number[];
  /** Highest image block placed per region (placing is in order within a region). */
  private readonly placed: number[];

  /** `bad` is the device's live bad-block table (1 = bad), indexed by physical block; the caller may mark more. */
  constructor(private readonly regions: PlacerRegion[], private readonly bad: Uint8Array) {
    const imageBlocks = regions.reduce((n, r) => Math.max(n, r.firstImageBlock + Math.min(r.imageBlocks, r.blocks)), 0);
    this.map = new Int32Array(imageBlocks).fill(-1);
    this.cursor = regions.map((r) => r.startBlock);
    this.placed = regions.map((r) => r.firstImageBlock - 1);
  }

  /**
   * Places image block `u` on the next good block of its region: call in increasing order within a region, and again
   * for the same `u` after the block it got went bad. Returns the physical block or why there is none.
   */
  place(u: number): number | PlacementFailure {
    const i = this.regionOf(u);
    if (i < 0) return { code: 'outside-scheme', badBlocks: [], message: `image block ${u} lies in no partition of the NAND scheme` };
    const r = this.regions[i];
    const end = r.startBlock + r.blocks;
    let c = this.cursor[i];
    if (this.placed[i] === u && this.map[u] >= 0 && this.bad[this.map[u]] !== 1) return this.map[u]; // asked again, still good
    while (c < end && this.bad[c] === 1) c++;
    this.cursor[i] = c;
    if (c >= end) return this.tooMany(r, u);
    this.map[u] = c;
    this.placed[i] = u;
    this.cursor[i] = c + 1;
    return c;
  }

  /** The physical block of image block `u`, placing every earlier block of its region first (random access). */
  physical(u: number): number | PlacementFailure {
    if (u < this.map.length && this.map[u] >= 0) return this.map[u];
    const i = this.regionOf(u);
    if (i < 0) return this.place(u);
    for (let k = this.placed[i] + 1; k < u; k++) {
      const p = this.place(k);
      if (typeof p !== 'number') return p;
    }
    return this.place(u);
  }

  private regionOf(u: number): number {
    return this.regions.findIndex((r) => u >= r.firstImageBlock && u < r.firstImageBlock + r.imageBlocks);
  }

  private tooMany(r: PlacerRegion, u: number): PlacementFailure {
    const inside: number[] = [];
    for (let b = r.startBlock; b < r.startBlock + r.blocks; b++) if (this.bad[b] === 1) inside.push(b);
    const where = r.name === 'chip' ? 'the chip' : `partition "${r.name}"`;
    const shown = inside.length > 20 ? `${inside.slice(0, 20).join(', ')}, …` : inside.join(', ');
    const range = `blocks ${r.startBlock}..${r.startBlock + r.blocks - 1}`;
    const message = Number.isFinite(r.imageBlocks)
      ? `${inside.length} bad blocks in ${where} (${shown}) exceed its reserve of ${r.blocks - r.imageBlocks} blocks (${range} hold ${r.imageBlocks} image blocks)`
      : `${inside.length} bad blocks in ${where} (${shown}) leave no good block for image block ${u} (${range})`;
    return { code: 'too-many-bad-blocks', partition: r.name, badBlocks: inside, message };
  }
}
