import { nandGeometry, type Chip, type NandGeometry, type NandProtocol } from '../../../catalog/chip.js';
import type { SimClock } from '../clock.js';
import { NandArray } from '../nand-array.js';
import { idBytesOf, type SpiTarget } from '../spi-target.js';

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
  /** Configuration register B0h at power-up (an ordering variant such as W25N01GVxxIT powers up with BUF = 0). @default the catalog's `config.value` */
  configAtPowerUp?: number;
}

/**
 * A datasheet-level SPI NAND (Winbond W25N01GV command set): a cache register between the bus and the array, PAGE
 * DATA READ / PROGRAM EXECUTE / BLOCK ERASE with OIP busy in virtual time, write-enable latch required and cleared,
 * E_FAIL / P_FAIL, ECC status after a page read, factory bad-block markers, and every block locked at power-up
 * (protection register 0x7C) until SET FEATURE 0xA0 clears it. Pages are stored sparsely; an absent page is erased.
 * As strict as the part its catalog protocol facts describe: PROGRAM LOAD is ignored while WEL is clear on a
 * WREN-first part (EXECUTE then programs the stale cache); a two-plane part has one cache per plane, chosen by the
 * plane bit of the column address, so a missing plane bit reads and programs the wrong plane's cache; a multi-die part
 * only addresses the selected die (C2h or feature D0h bit 6); a part whose B0h is not in the configured mode (BUF = 0,
 * CR = 1) answers READ FROM CACHE from column 0, as its continuous-read mode does.
 */
export class SpiNandChip implements SpiTarget {
  readonly g: NandGeometry;
  private readonly array: NandArray;
  private readonly id: Uint8Array;
  private readonly caches: Uint8Array[];
  private readonly failing: Set<number>;
  private readonly proto: NandProtocol;
  private readonly planeBit: number;
  private readonly rowsPerDie: number;
  private die = 0;
  private plane = 0;
  private protect = 0x7c;
  private config: number;
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
    this.proto = this.g.protocol ?? {};
    const planes = this.proto.planes ?? 1;
    this.caches = Array.from({ length: planes }, () => new Uint8Array(this.g.pageSize + this.g.spareSize).fill(0xff));
    this.planeBit = planes > 1 ? this.g.pageSize * 2 : 0;
    this.rowsPerDie = (this.g.blocks * this.g.pagesPerBlock) / (this.proto.dies ?? 1);
    const c = this.proto.config;
    this.config = faults.configAtPowerUp ?? (c ? (0x18 & ~c.mask) | c.value : 0x18);
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

  /** The cache the last column address selected (the plane bit picks one on a two-plane part). */
  private get cache(): Uint8Array {
    return this.caches[this.plane];
  }

  /** A row as the array sees it: only the selected die's rows are reachable. */
  private physRow(row: number): number {
    return this.die * this.rowsPerDie + (row % this.rowsPerDie);
  }

  /** True when B0h is not in the mode the catalog asks for (the part then streams from column 0). */
  private get wrongMode(): boolean {
    const c = this.proto.config;
    return c !== undefined && (this.config & c.mask) !== c.value;
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
      if ((this.op === 0x02 || this.op === 0x84) && this.proto.programOrder !== 'load-wren' && !this.wel) this.op = -3;
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
      case 0xc2:
        if (i === 1 && this.proto.dieSelect === 'c2' && b < (this.proto.dies ?? 1)) this.die = b;
        return 0xff;
      case 0x03: case 0x0b:
        if (i <= 2) this.arg = this.arg * 256 + b;
        if (i === 2) this.arg = this.column(this.arg, this.wrongMode);
        if (i <= 3) return 0xff;
        return this.cache[this.arg + i - 4] ?? 0xff;
      case 0x02: case 0x84:
        if (i <= 2) this.arg = this.arg * 256 + b;
        if (i === 2) {
          this.arg = this.column(this.arg, false);
          if (this.op === 0x02) this.cache.fill(0xff);
        }
        else if (i > 2 && this.arg + i - 3 < this.cache.length) this.cache[this.arg + i - 3] = b;
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

  /** Column address bytes as the part decodes them: the plane bit picks the cache, the rest is the column. */
  private column(addr: number, fromZero: boolean): number {
    this.plane = this.planeBit && addr & this.planeBit ? 1 : 0;
    return fromZero ? 0 : addr & (this.g.pageSize * 2 - 1);
  }

  private feature(addr: number): number {
    if (addr === 0xa0) return this.protect;
    if (addr === 0xb0) return this.config;
    if (addr === 0xc0) return this.status();
    if (addr === 0xd0) return this.proto.dieSelect === 'feature-d0' ? this.die << 6 : 0x00;
    return 0x00;
  }

  private setFeature(addr: number, v: number): void {
    if (addr === 0xa0) this.protect = v & 0xfe;
    else if (addr === 0xb0) this.config = v;
    else if (addr === 0xd0 && this.proto.dieSelect === 'feature-d0') this.die = Math.min((v >> 6) & 1, (this.proto.dies ?? 1) - 1);
  }

  private pageRead(row: number): void {
    if (row >= this.array.rows) return;
    row = this.physRow(row);
    this.plane = this.planeOf(row);
    this.array.read(row, this.cache);
    this.ecc = this.faults.eccPages?.get(row) ?? 0;
    this.busyUntil = this.clock.now() + this.tReadMs;
  }

  /** The plane a row's block lies in (block & 1 on a two-plane part). */
  private planeOf(row: number): number {
    return this.caches.length > 1 ? Math.floor(row / this.g.pagesPerBlock) & 1 : 0;
  }

  private programExecute(row: number): void {
    if (!this.wel || row >= this.array.rows) return;
    row = this.physRow(row);
    this.plane = this.planeOf(row);
    const block = Math.floor(row / this.g.pagesPerBlock);
    this.wel = false;
    this.busyUntil = this.clock.now() + this.tProgMs;
    this.pfail = (this.protect & 0x7c) !== 0 || this.failing.has(block);
    if (!this.pfail) this.pfail = !this.array.program(row, this.cache);
  }

  private blockErase(row: number): void {
    if (!this.wel || row >= this.array.rows) return;
    row = this.physRow(row);
    const block = Math.floor(row / this.g.pagesPerBlock);
    this.wel = false;
    this.busyUntil = this.clock.now() + this.tEraseMs;
    this.efail = (this.protect & 0x7c) !== 0 || this.failing.has(block);
    if (!this.efail) this.array.eraseBlock(block);
  }
}
