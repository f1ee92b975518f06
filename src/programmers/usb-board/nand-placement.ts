import type { NandGeometry } from '../../catalog/chip.js';
import { NandPlacer, placerRegions } from '../../layout/nand-placer.js';
import type { NandScheme } from '../../layout/target.js';
import { SiteFail } from './site-fail.js';

/**
 * Where each erase block of a NAND image goes on one device, around its bad blocks, by the one rule of
 * src/layout/nand-placer.ts (`skip`: image block i lands on the i-th good block; `partitions`: on the good blocks of
 * its partition's range, in order), plus the page arithmetic the USB NAND drivers need.
 */
export class NandPlacement {
  /** Bytes of one page as the image holds it. */
  readonly pageBytes: number;
  /** Bytes of one erase block as the image holds it. */
  readonly blockBytes: number;
  private readonly bad: number[];
  private readonly placer: NandPlacer;

  constructor(private readonly g: NandGeometry, badBlocks: Iterable<number>, scheme: NandScheme, withSpare: boolean) {
    this.pageBytes = g.pageSize + (withSpare ? g.spareSize : 0);
    this.blockBytes = this.pageBytes * g.pagesPerBlock;
    this.bad = [...new Set(badBlocks)].sort((a, b) => a - b);
    const table = new Uint8Array(g.blocks);
    for (const b of this.bad) table[b] = 1;
    this.placer = new NandPlacer(placerRegions(scheme, g.blocks, this.blockBytes), table);
  }

  /** Good blocks of the device. */
  goodBlocks(): number {
    return this.g.blocks - this.bad.length;
  }

  /** Fails with too-many-bad-blocks when the device has fewer good blocks than its datasheet minimum. */
  checkMinimum(): void {
    if (this.goodBlocks() < this.g.minValidBlocks) {
      throw new SiteFail('too-many-bad-blocks', `${this.bad.length} bad blocks leave ${this.goodBlocks()} good, below the datasheet minimum of ${this.g.minValidBlocks}`, this.bad);
    }
  }

  /** The physical block that holds image block `imageBlock`. */
  physicalBlock(imageBlock: number): number {
    const p = this.placer.physical(imageBlock);
    if (typeof p === 'number') return p;
    if (p.code === 'outside-scheme') throw new SiteFail('program-failed', `image byte ${imageBlock * this.blockBytes} lies in no NAND partition of the job`);
    throw new SiteFail('too-many-bad-blocks', p.message, this.bad);
  }

  /** Physical page row of the image page holding byte `offset`, and the column inside it. */
  locate(offset: number): { row: number; column: number } {
    const page = Math.floor(offset / this.pageBytes);
    const block = this.physicalBlock(Math.floor(page / this.g.pagesPerBlock));
    return { row: block * this.g.pagesPerBlock + (page % this.g.pagesPerBlock), column: offset % this.pageBytes };
  }
}
