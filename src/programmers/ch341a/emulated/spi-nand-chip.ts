import { nandGeometry, type Chip, type NandGeometry } from '../../../catalog/chip.js';
import type { SimClock } from '../../emulated/clock.js';
import { NandArray } from '../../emulated/nand-array.js';
import { idBytesOf, type SpiTarget } from '../../emulated/spi-target.js';

/** Per-device faults of an emulated SPI NAND. */
export interface SnandFaults {
  /** Factory bad blocks (marked in the spare area of their marker pages). */
  badBlocks?: number[];
  /** Blocks that fail erase and program from now on (grown bad). */
  failingBlocks?: number[];
  /** Pages whose reads report ECC corrected (1) or uncorrectable (2). */
  eccPages?: Map<number, 1 | 2>;
  /** ID bytes answered instead of the catalog's (a different part in the socket). */
  idBytes?: string;
}

/**
 * A datasheet-level SPI NAND (Winbond W25N01GV command set): a cache register between the bus and the array, PAGE
 * DATA READ / PROGRAM EXECUTE / BLOCK ERASE with OIP busy in virtual time, write-enable latch required and cleared,
 * E_FAIL / P_FAIL, ECC status after a page read, factory bad-block markers, and every block locked at power-up
 * (protection register 0x7C) until SET FEATURE 0xA0 clears it. Pages are stored sparsely; an absent page is erased.
 */
export class SpiNandChip implements SpiTarget {
  readonly g: NandGeometry;
  private readonly array: NandArray;
  private readonly id: Uint8Array;
  private readonly cache: Uint8Array;
  private readonly failing: Set<number>;
  private protect = 0x7c;
  private config = 0x18;
  private wel = false;
  private efail = false;
  private pfail = false;
  private ecc = 0;
  private busyUntil = 0;
  private op = -1;
  private n = 0;
  private arg = 0;
  private feat = 0;
  private readonly tReadMs: number;
  private readonly tProgMs: number;
  private readonly tEraseMs: number;

  constructor(chip: Chip, private readonly clock: SimClock, private readonly faults: SnandFaults = {}) {
    this.g = nandGeometry(chip);
    this.id = idBytesOf(faults.idBytes ?? chip.idBytes);
    this.cache = new Uint8Array(this.g.pageSize + this.g.spareSize).fill(0xff);
    this.failing = new Set([...(faults.failingBlocks ?? []), ...(faults.badBlocks ?? [])]);
    this.tReadMs = (chip.timings.tReadUs ?? 25) / 1000;
    this.tProgMs = (chip.timings.tProgUs ?? 250) / 1000;
    this.tEraseMs = (chip.timings.tEraseUs ?? 2000) / 1000;
    this.array = new NandArray(this.g, faults.badBlocks);
  }

  /** The array's written pages by row (tests read and alter them). */
  get pages(): Map<number, Uint8Array> {
    return this.array.pages;
  }

  private busy(): boolean {
    return this.clock.now() < this.busyUntil;
  }

  /** Status register 0xC0. */
  status(): number {
    return (this.busy() ? 0x01 : 0) | (this.wel ? 0x02 : 0) | (this.efail ? 0x04 : 0) | (this.pfail ? 0x08 : 0) | (this.ecc << 4);
  }

  select(): void {
    this.op = -1;
    this.n = 0;
    this.arg = 0;
  }

  exchange(b: number): number {
    const i = this.n++;
    if (i === 0) {
      this.op = this.busy() && b !== 0x0f && b !== 0xff ? -2 : b;
      if (this.op === 0x02) this.cache.fill(0xff);
      return 0xff;
    }
    switch (this.op) {
      case 0x9f:
        return i === 1 ? 0xff : this.id[(i - 2) % this.id.length];
      case 0x0f:
        if (i === 1) {
          this.feat = b;
          return 0xff;
        }
        return this.feature(this.feat);
      case 0x1f:
        if (i === 1) this.feat = b;
        else if (i === 2) this.setFeature(this.feat, b);
        return 0xff;
      case 0x13: case 0x10: case 0xd8:
        if (i <= 3) this.arg = this.arg * 256 + b;
        return 0xff;
      case 0x03: case 0x0b:
        if (i <= 2) this.arg = this.arg * 256 + b;
        if (i <= 3) return 0xff;
        return this.cache[this.arg + i - 4] ?? 0xff;
      case 0x02: case 0x84:
        if (i <= 2) this.arg = this.arg * 256 + b;
        else if (this.arg + i - 3 < this.cache.length) this.cache[this.arg + i - 3] = b;
        return 0xff;
      default:
        return 0xff;
    }
  }

  deselect(): void {
    const op = this.op;
    const bytes = this.n;
    this.op = -1;
    if (op === 0xff && bytes === 1) {
      this.wel = false;
      this.busyUntil = this.clock.now() + 0.5;
    } else if (op === 0x06 && bytes === 1 && !this.busy()) this.wel = true;
    else if (op === 0x04 && bytes === 1) this.wel = false;
    else if (op === 0x13 && bytes === 4) this.pageRead(this.arg);
    else if (op === 0x10 && bytes === 4) this.programExecute(this.arg);
    else if (op === 0xd8 && bytes === 4) this.blockErase(this.arg);
  }

  private feature(addr: number): number {
    if (addr === 0xa0) return this.protect;
    if (addr === 0xb0) return this.config;
    if (addr === 0xc0) return this.status();
    return 0x00;
  }

  private setFeature(addr: number, v: number): void {
    if (addr === 0xa0) this.protect = v & 0xfe;
    else if (addr === 0xb0) this.config = v;
  }

  private pageRead(row: number): void {
    if (row >= this.array.rows) return;
    this.array.read(row, this.cache);
    this.ecc = this.faults.eccPages?.get(row) ?? 0;
    this.busyUntil = this.clock.now() + this.tReadMs;
  }

  private programExecute(row: number): void {
    if (!this.wel || row >= this.array.rows) return;
    const block = Math.floor(row / this.g.pagesPerBlock);
    this.wel = false;
    this.busyUntil = this.clock.now() + this.tProgMs;
    this.pfail = (this.protect & 0x7c) !== 0 || this.failing.has(block);
    if (!this.pfail) this.array.program(row, this.cache);
  }

  private blockErase(row: number): void {
    if (!this.wel || row >= this.array.rows) return;
    const block = Math.floor(row / this.g.pagesPerBlock);
    this.wel = false;
    this.busyUntil = this.clock.now() + this.tEraseMs;
    this.efail = (this.protect & 0x7c) !== 0 || this.failing.has(block);
    if (!this.efail) this.array.eraseBlock(block);
  }
}
