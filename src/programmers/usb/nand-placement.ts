import type { NandGeometry } from '../../catalog/chip.js';
import type { NandScheme } from '../driver.js';
import { SiteFail } from './site-fail.js';

/**
 * Where each erase block of a NAND image goes on one device, around its bad blocks. `skip`: image block i lands on
 * the i-th good block. `partitions`: each partition's share of the image lands on the good blocks of its own block
 * range, in order; a partition that runs out of good blocks fails the device.
 */
export class NandPlacement {
  /** Bytes of one page as the image holds it. */
  readonly pageBytes: number;
  /** Bytes of one erase block as the image holds it. */
  readonly blockBytes: number;
  private readonly bad: Set<number>;
  private readonly cache: number[] = [];

  constructor(private readonly g: NandGeometry, badBlocks: Iterable<number>, private readonly scheme: NandScheme, withSpare: boolean) {
    this.pageBytes = g.pageSize + (withSpare ? g.spareSize : 0);
    this.blockBytes = this.pageBytes * g.pagesPerBlock;
    this.bad = new Set(badBlocks);
  }

  /** Good blocks of the device. */
  goodBlocks(): number {
    return this.g.blocks - this.bad.size;
  }

  /** Fails with too-many-bad-blocks when the device has fewer good blocks than its datasheet minimum. */
  checkMinimum(): void {
    if (this.goodBlocks() < this.g.minValidBlocks) {
      throw new SiteFail('too-many-bad-blocks', `${this.bad.size} bad blocks leave ${this.goodBlocks()} good, below the datasheet minimum of ${this.g.minValidBlocks}`, [...this.bad].sort((a, b) => a - b));
    }
  }

  /** The physical block that holds image block `imageBlock`. */
  physicalBlock(imageBlock: number): number {
    const known = this.cache[imageBlock];
    if (known !== undefined) return known;
    const b = this.place(imageBlock);
    this.cache[imageBlock] = b;
    return b;
  }

  private place(imageBlock: number): number {
    if (this.scheme.kind === 'skip') return this.nthGood(0, this.g.blocks, imageBlock, 'the device');
    const offset = imageBlock * this.blockBytes;
    for (const p of this.scheme.partitions) {
      if (offset >= p.imageOffset && offset < p.imageOffset + p.imageLength) {
        const local = Math.floor((offset - p.imageOffset) / this.blockBytes);
        return this.nthGood(p.startBlock, p.startBlock + p.blocks, local, `partition ${p.name}`);
      }
    }
    throw new SiteFail('program-failed', `image byte ${offset} lies in no NAND partition of the job`);
  }

  /** Physical page row of the image page holding byte `offset`, and the column inside it. */
  locate(offset: number): { row: number; column: number } {
    const page = Math.floor(offset / this.pageBytes);
    const block = this.physicalBlock(Math.floor(page / this.g.pagesPerBlock));
    return { row: block * this.g.pagesPerBlock + (page % this.g.pagesPerBlock), column: offset % this.pageBytes };
  }

  private nthGood(from: number, to: number, n: number, where: string): number {
    let seen = 0;
    for (let b = from; b < to; b++) {
      if (this.bad.has(b)) continue;
      if (seen === n) return b;
      seen++;
    }
    throw new SiteFail('too-many-bad-blocks', `${where} has only ${seen} good blocks; the image needs ${n + 1}`, [...this.bad].sort((a, b) => a - b));
  }
}
