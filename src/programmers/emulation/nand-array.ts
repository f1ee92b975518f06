import type { NandGeometry } from '../../catalog/chip.js';

/**
 * A NAND array as its datasheet describes it, below any bus: pages of data + spare stored sparsely (an absent page is
 * erased, all 0xFF), factory bad blocks marked 0x00 at the spare offset of their marker pages, program only clearing
 * bits (a cell goes from 1 to 0, never back), erase setting a whole block back to 0xFF. Held to the part's limits
 * from its catalog protocol facts: at most NOP partial programs of a page between erases, and on an MLC part pages of
 * a block programmed in ascending order; a program that breaks either is refused (the part reports a failure).
 */
export class NandArray {
  /** Written pages by row (block × pages per block + page); tests may read and alter them. */
  readonly pages = new Map<number, Uint8Array>();
  /** Bytes of one page with its spare area. */
  readonly pageBytes: number;
  private readonly programs = new Map<number, number>();
  private readonly highest: Int32Array;

  constructor(readonly g: NandGeometry, factoryBad: readonly number[] = []) {
    this.pageBytes = g.pageSize + g.spareSize;
    this.highest = new Int32Array(g.blocks).fill(-1);
    for (const b of factoryBad) {
      for (const p of g.badBlockMarker.pages) {
        const pg = new Uint8Array(this.pageBytes).fill(0xff);
        pg[g.pageSize + g.badBlockMarker.spareOffset] = 0x00;
        this.pages.set(b * g.pagesPerBlock + p, pg);
      }
    }
  }

  /** Rows in the array. */
  get rows(): number {
    return this.g.blocks * this.g.pagesPerBlock;
  }

  /** Copies page `row` into `into` (a page register or cache). */
  read(row: number, into: Uint8Array): void {
    const pg = this.pages.get(row);
    if (pg) into.set(pg);
    else into.fill(0xff);
  }

  /**
   * Programs `data` (a whole page) into page `row`: only bits that are 1 in the page and 0 in the data change. False
   * (nothing changes) when the page was already programmed NOP times since its erase, or, on an in-order part, when a
   * higher page of its block was programmed already.
   */
  program(row: number, data: Uint8Array): boolean {
    const proto = this.g.protocol;
    const block = Math.floor(row / this.g.pagesPerBlock);
    const page = row % this.g.pagesPerBlock;
    const count = this.programs.get(row) ?? 0;
    if (proto?.nop !== undefined && count >= proto.nop) return false;
    if (proto?.inOrderPages && page < this.highest[block]) return false;
    this.programs.set(row, count + 1);
    if (page > this.highest[block]) this.highest[block] = page;
    let pg = this.pages.get(row);
    if (!pg) {
      pg = new Uint8Array(this.pageBytes).fill(0xff);
      this.pages.set(row, pg);
    }
    for (let i = 0; i < pg.length; i++) pg[i] &= data[i];
    return true;
  }

  /** Erases every page of `block`. */
  eraseBlock(block: number): void {
    for (let p = 0; p < this.g.pagesPerBlock; p++) {
      this.pages.delete(block * this.g.pagesPerBlock + p);
      this.programs.delete(block * this.g.pagesPerBlock + p);
    }
    this.highest[block] = -1;
  }
}
