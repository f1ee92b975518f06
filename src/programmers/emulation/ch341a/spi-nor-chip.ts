import { norGeometry, type Chip, type NorProtocol } from '../../../catalog/chip.js';
import type { SimClock } from '../clock.js';
import { idBytesOf, type SpiTarget } from '../spi-target.js';

/**
 * A datasheet-level SPI NOR chip (Winbond W25Q-series command set): status register with WIP busy for the
 * program/erase time in virtual time, a write-enable latch that program and erase need and clear, page program
 * that wraps at the page boundary and only clears bits, 4 KiB / 64 KiB / chip erase that need the exact address
 * length, 3- or 4-byte addressing. Every other command is ignored while WIP is set. As strict as the catalog's
 * protocol facts: ENTER 4-BYTE ADDRESS MODE (B7h) is ignored without WEL on a part that needs WRITE ENABLE first, and
 * the 4-byte opcodes 13h/12h/21h/DCh exist only on a part that has them.
 */
export class SpiNorChip implements SpiTarget {
  readonly mem: Uint8Array;
  private readonly id: Uint8Array;
  private readonly page: number;
  private readonly sector: number;
  private readonly block: number;
  private readonly tProgMs: number;
  private readonly tSectorMs: number;
  private wel = false;
  private addr4 = false;
  private busyUntil = 0;
  private op = -1;
  private n = 0;
  private addr = 0;
  private readonly latch: Uint8Array;
  private readonly latched: Uint8Array;
  private readonly proto: NorProtocol;

  constructor(chip: Chip, private readonly clock: SimClock, idOverride?: string) {
    const g = norGeometry(chip);
    this.mem = new Uint8Array(chip.capacityBytes).fill(0xff);
    this.id = idBytesOf(idOverride ?? chip.idBytes);
    this.page = g.pageSize;
    this.sector = g.sectorSize;
    this.block = g.blockSize;
    this.tProgMs = (chip.timings.tProgUs ?? 700) / 1000;
    this.tSectorMs = (chip.timings.tEraseUs ?? 45_000) / 1000;
    this.latch = new Uint8Array(g.pageSize);
    this.latched = new Uint8Array(g.pageSize);
    this.proto = g.protocol ?? {};
  }

  /** True while the part decodes 4-byte addresses for its 3-byte opcodes (tests read it). */
  get fourByteMode(): boolean {
    return this.addr4;
  }

  /** Status register 1: WIP bit 0, WEL bit 1. */
  status(): number {
    return (this.clock.now() < this.busyUntil ? 0x01 : 0) | (this.wel ? 0x02 : 0);
  }

  select(): void {
    this.op = -1;
    this.n = 0;
    this.addr = 0;
  }

  private addrLen(op: number): number {
    return op === 0x13 || op === 0x12 || op === 0x21 || op === 0xdc ? 4 : this.addr4 ? 4 : 3;
  }

  exchange(b: number): number {
    const i = this.n++;
    if (i === 0) {
      this.op = this.clock.now() < this.busyUntil && b !== 0x05 ? -2 : b;
      if (!this.proto.native4Byte && (b === 0x13 || b === 0x12 || b === 0x21 || b === 0xdc)) this.op = -3;
      if (this.op === 0x02 || this.op === 0x12) this.latched.fill(0);
      return 0xff;
    }
    const op = this.op;
    if (op === 0x9f) return this.id[(i - 1) % this.id.length];
    if (op === 0x05) return this.status();
    const al = this.addrLen(op);
    const isAddrOp = op === 0x03 || op === 0x13 || op === 0x02 || op === 0x12 || op === 0x20 || op === 0x21 || op === 0x52 || op === 0xd8 || op === 0xdc;
    if (!isAddrOp) return 0xff;
    if (i <= al) {
      this.addr = (this.addr * 256 + b) % this.mem.length;
      return 0xff;
    }
    const k = i - al - 1;
    if (op === 0x03 || op === 0x13) return this.mem[(this.addr + k) % this.mem.length];
    if (op === 0x02 || op === 0x12) {
      const pos = ((this.addr % this.page) + k) % this.page;
      this.latch[pos] = b;
      this.latched[pos] = 1;
    }
    return 0xff;
  }

  deselect(): void {
    const op = this.op;
    const bytes = this.n;
    this.op = -1;
    if (op < 0) return;
    if (op === 0x06 && bytes === 1) this.wel = true;
    else if (op === 0x04 && bytes === 1) this.wel = false;
    else if (op === 0xb7 && bytes === 1) this.enter4Byte();
    else if (op === 0xe9 && bytes === 1) this.addr4 = false;
    else if ((op === 0x02 || op === 0x12) && bytes > 1 + this.addrLen(op)) this.program();
    else if ((op === 0x20 || op === 0x21) && bytes === 1 + this.addrLen(op)) this.erase(this.sector, this.tSectorMs);
    else if (op === 0x52 && bytes === 1 + this.addrLen(op)) this.erase(32 * 1024, this.tSectorMs * 2.5);
    else if ((op === 0xd8 || op === 0xdc) && bytes === 1 + this.addrLen(op)) this.erase(this.block, this.tSectorMs * 3.3);
    else if ((op === 0xc7 || op === 0x60) && bytes === 1) this.erase(this.mem.length, this.tSectorMs * (this.mem.length / this.block) * 0.8);
  }

  /** B7h: on a WREN-first part only with WEL set. */
  private enter4Byte(): void {
    if (this.proto.enter4Byte === 'wren-b7' && !this.wel) return;
    this.addr4 = true;
  }

  private program(): void {
    if (!this.wel) return;
    const base = this.addr - (this.addr % this.page);
    for (let p = 0; p < this.page; p++) if (this.latched[p]) this.mem[base + p] &= this.latch[p];
    this.busyUntil = this.clock.now() + this.tProgMs;
    this.wel = false;
  }

  private erase(size: number, ms: number): void {
    if (!this.wel) return;
    const base = this.addr - (this.addr % size);
    this.mem.fill(0xff, base, base + size);
    this.busyUntil = this.clock.now() + ms;
    this.wel = false;
  }
}
