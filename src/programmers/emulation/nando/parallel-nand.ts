import { nandGeometry, type Chip, type NandGeometry } from '../../../catalog/chip.js';
import type { SimClock } from '../clock.js';
import { NandArray } from '../nand-array.js';
import { idBytesOf } from '../spi-target.js';

/** Per-device faults of an emulated parallel NAND. */
export interface ParallelNandFaults {
  /** Factory bad blocks, marked in the spare area of their marker pages. */
  badBlocks?: number[];
  /** Blocks that fail erase and program (grown bad). */
  failingBlocks?: number[];
  /** ID bytes answered instead of the catalog's. */
  idBytes?: string;
  /** Pages (rows) whose program reports FAIL although their block erases (a page gone bad). */
  programFailRows?: number[];
  /** Blocks whose program never finishes (R/B# stays low: a stuck part). */
  hangingBlocks?: number[];
}

/**
 * A parallel (ONFI-style) NAND seen at its bus: command, address and data cycles. READ ID 90h, READ 00h…30h,
 * PROGRAM 80h…10h (only clears bits), ERASE 60h…D0h, STATUS 70h (bit 6 ready, bit 0 fail, bit 7 not protected),
 * RESET FFh. A confirm command with the wrong number of address cycles is ignored, as the part would misread it.
 * Busy times run on virtual time; pages are stored sparsely (absent = erased).
 */
export class ParallelNandChip {
  readonly g: NandGeometry;
  private readonly array: NandArray;
  readonly rowCycles: number;
  private readonly id: Uint8Array;
  private readonly reg: Uint8Array;
  private readonly failing: Set<number>;
  private state: 'idle' | 'id' | 'read' | 'prog' | 'erase' | 'status' | 'data' = 'idle';
  private addr: number[] = [];
  private out: Uint8Array = new Uint8Array(0);
  private outPos = 0;
  private inPos = 0;
  private fail = false;
  private busyUntil = 0;
  private readonly faults: ParallelNandFaults;
  private readonly tReadMs: number;
  private readonly tProgMs: number;
  private readonly tEraseMs: number;

  constructor(chip: Chip, private readonly clock: SimClock, faults: ParallelNandFaults = {}) {
    this.g = nandGeometry(chip);
    this.rowCycles = this.g.blocks * this.g.pagesPerBlock > 65536 ? 3 : 2;
    this.id = idBytesOf(faults.idBytes ?? chip.idBytes);
    this.reg = new Uint8Array(this.g.pageSize + this.g.spareSize);
    this.failing = new Set([...(faults.failingBlocks ?? []), ...(faults.badBlocks ?? [])]);
    this.array = new NandArray(this.g, faults.badBlocks);
    this.faults = faults;
    this.tReadMs = (chip.timings.tReadUs ?? 25) / 1000;
    this.tProgMs = (chip.timings.tProgUs ?? 200) / 1000;
    this.tEraseMs = (chip.timings.tEraseUs ?? 1500) / 1000;
  }

  /** The array's written pages by row (tests read and alter them). */
  get pages(): Map<number, Uint8Array> {
    return this.array.pages;
  }

  /** Virtual time when the chip is ready again (R/B# high). */
  readyAt(): number {
    return this.busyUntil;
  }

  /** A command cycle. */
  command(c: number): void {
    const now = this.clock.now();
    if (now < this.busyUntil && c !== 0x70 && c !== 0xff) return;
    switch (c) {
      case 0xff: this.state = 'idle'; this.busyUntil = now + 0.005; break;
      case 0x90: this.state = 'id'; this.addr = []; this.out = this.id; this.outPos = 0; break;
      case 0x00: this.state = 'read'; this.addr = []; break;
      case 0x30:
        if (this.state === 'read' && this.addr.length === 2 + this.rowCycles) {
          const row = this.row(2);
          this.array.read(row, this.reg);
          this.out = this.reg;
          this.outPos = this.addr[0] | (this.addr[1] << 8);
          this.state = 'data';
          this.busyUntil = now + this.tReadMs;
        }
        break;
      case 0x80: this.state = 'prog'; this.addr = []; this.reg.fill(0xff); this.inPos = 0; break;
      case 0x10:
        if (this.state === 'prog' && this.addr.length === 2 + this.rowCycles) this.program(this.row(2));
        this.state = 'idle';
        break;
      case 0x60: this.state = 'erase'; this.addr = []; break;
      case 0xd0:
        if (this.state === 'erase' && this.addr.length === this.rowCycles) this.erase(this.row(0));
        this.state = 'idle';
        break;
      case 0x70: this.state = 'status'; break;
      default: this.state = 'idle';
    }
  }

  /** An address cycle. */
  address(a: number): void {
    this.addr.push(a & 0xff);
    if (this.state === 'prog' && this.addr.length === 2) this.inPos = this.addr[0] | (this.addr[1] << 8);
  }

  /** A data-in cycle (program data). */
  writeByte(b: number): void {
    if (this.state === 'prog' && this.inPos < this.reg.length) this.reg[this.inPos++] = b;
  }

  /** A data-out cycle. */
  readByte(): number {
    if (this.state === 'status') return (this.clock.now() >= this.busyUntil ? 0x40 : 0) | 0x80 | (this.fail ? 0x01 : 0);
    if (this.state === 'id' || this.state === 'data') return this.out[this.outPos++] ?? 0xff;
    return 0xff;
  }

  private row(from: number): number {
    let r = 0;
    for (let i = this.addr.length - 1; i >= from; i--) r = r * 256 + this.addr[i];
    return r;
  }

  private program(row: number): void {
    const block = Math.floor(row / this.g.pagesPerBlock);
    this.busyUntil = this.clock.now() + (this.faults.hangingBlocks?.includes(block) ? 1e9 : this.tProgMs);
    this.fail = row >= this.array.rows || this.failing.has(block) || (this.faults.programFailRows?.includes(row) ?? false);
    if (!this.fail) this.fail = !this.array.program(row, this.reg);
  }

  private erase(row: number): void {
    const block = Math.floor(row / this.g.pagesPerBlock);
    this.busyUntil = this.clock.now() + this.tEraseMs;
    this.fail = block >= this.g.blocks || this.failing.has(block);
    if (!this.fail) this.array.eraseBlock(block);
  }
}
