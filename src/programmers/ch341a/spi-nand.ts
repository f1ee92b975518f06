import type { NandGeometry, NandProtocol } from '../../catalog/chip.js';
import type { Pacer } from '../usb-board/pacer.js';
import { SiteFail } from '../usb-board/site-fail.js';
import type { SpiBus } from './spi-bus.js';

/**
 * SPI NAND opcodes (Winbond W25N01GV and GigaDevice GD5F1GQ4 datasheets): RESET 0xFF, READ ID 0x9F + dummy,
 * GET FEATURE 0x0F / SET FEATURE 0x1F (protection 0xA0, configuration 0xB0, status 0xC0), WREN 0x06,
 * PAGE DATA READ 0x13 + 24-bit row, READ FROM CACHE 0x03 + 16-bit column + dummy, PROGRAM LOAD 0x02 + column,
 * PROGRAM EXECUTE 0x10 + row, BLOCK ERASE 0xD8 + row.
 */
export const SNAND = {
  reset: 0xff, readId: 0x9f, getFeature: 0x0f, setFeature: 0x1f, wren: 0x06, pageRead: 0x13, readCache: 0x03,
  programLoad: 0x02, programExecute: 0x10, blockErase: 0xd8, dieSelect: 0xc2,
} as const;
/** Feature register addresses. */
export const FEAT_PROTECT = 0xa0;
export const FEAT_CONFIG = 0xb0;
export const FEAT_STATUS = 0xc0;
/** Die-select feature register of Micron two-die parts (bit 6 = die). */
export const FEAT_DIE = 0xd0;
/** Status register bits: OIP busy, WEL, E_FAIL, P_FAIL, ECC (bits 5:4: 0 ok, 1 corrected, 2 uncorrectable). */
export const ST_OIP = 0x01;
export const ST_WEL = 0x02;
export const ST_EFAIL = 0x04;
export const ST_PFAIL = 0x08;
export const ST_ECC_SHIFT = 4;

/** Busy limits of one SPI NAND chip, milliseconds. */
export interface SnandLimits {
  readMs: number;
  programMs: number;
  eraseMs: number;
}

/**
 * SPI NAND commands over an SPI bus, with OIP polling on a pacer, following the part's catalog protocol facts: the
 * program sequence in the vendor's order, the plane bit (block & 1) above the page+spare column on two-plane parts,
 * the die selected (C2h or feature D0h) before a multi-die part is addressed, rows sent die-local.
 */
export class SpiNandOps {
  private readonly cmd = new Uint8Array(3 + 16384);
  private readonly proto: NandProtocol;
  private readonly planeBit: number;
  private readonly rowsPerDie: number;
  private die = -1;
  private plane = 0;

  constructor(private readonly bus: SpiBus, private readonly pacer: Pacer, readonly limits: SnandLimits, private readonly g: NandGeometry) {
    this.proto = g.protocol ?? {};
    this.planeBit = (this.proto.planes ?? 1) > 1 ? g.pageSize * 2 : 0;
    this.rowsPerDie = (g.blocks * g.pagesPerBlock) / (this.proto.dies ?? 1);
  }

  /** Dies of the part. */
  get dies(): number {
    return this.proto.dies ?? 1;
  }

  /** Selects die `d` (no-op on a one-die part or when it is already selected). */
  async selectDie(d: number): Promise<void> {
    if (this.dies === 1 || d === this.die) return;
    if (this.proto.dieSelect === 'feature-d0') await this.setFeature(FEAT_DIE, d << 6);
    else await this.bus.transact(Uint8Array.of(SNAND.dieSelect, d), 0);
    this.die = d;
  }

  /** Selects the die holding `row` and remembers its plane; returns the die-local row to send. */
  private address(row: number): Promise<number> {
    this.plane = Math.floor(row / this.g.pagesPerBlock) & 1;
    return this.selectDie(Math.floor(row / this.rowsPerDie)).then(() => row % this.rowsPerDie);
  }

  /** A column address with the plane bit of the page last addressed. */
  private col(column: number): number {
    return this.planeBit && this.plane ? column | this.planeBit : column;
  }

  /** Puts configuration register B0h in the mode the catalog asks for (ECC on, buffer read) on every die, and checks it. */
  async configure(): Promise<void> {
    const c = this.proto.config;
    if (!c) return;
    for (let d = 0; d < this.dies; d++) {
      await this.selectDie(d);
      const v = await this.getFeature(FEAT_CONFIG);
      if ((v & c.mask) !== c.value) await this.setFeature(FEAT_CONFIG, (v & ~c.mask) | c.value);
      const back = await this.getFeature(FEAT_CONFIG);
      if ((back & c.mask) !== c.value) throw new SiteFail('program-failed', `configuration register B0h stays 0x${back.toString(16)} (wanted 0x${c.value.toString(16)} under mask 0x${c.mask.toString(16)})`);
    }
  }

  /** Resets the chip (every die) and waits for it. */
  async reset(): Promise<void> {
    for (let d = 0; d < this.dies; d++) {
      this.die = -1;
      await this.selectDie(d);
      await this.bus.transact(Uint8Array.of(SNAND.reset), 0);
      await this.waitReady(this.limits.eraseMs, 'erase-failed');
    }
  }

  /** Manufacturer and device ID bytes (after the dummy byte). */
  async readId(): Promise<Uint8Array> {
    return Uint8Array.from(await this.bus.transact(Uint8Array.of(SNAND.readId, 0x00), 3));
  }

  /** One feature register. */
  async getFeature(addr: number): Promise<number> {
    return (await this.bus.transact(Uint8Array.of(SNAND.getFeature, addr), 1))[0];
  }

  /** Writes one feature register. */
  async setFeature(addr: number, value: number): Promise<void> {
    await this.bus.transact(Uint8Array.of(SNAND.setFeature, addr, value), 0);
  }

  /** Clears the block-protection bits of every die (the chip powers up with every block locked). */
  async unlockAll(): Promise<void> {
    for (let d = 0; d < this.dies; d++) {
      await this.selectDie(d);
      await this.setFeature(FEAT_PROTECT, 0x00);
      const p = await this.getFeature(FEAT_PROTECT);
      if (p & 0x7c) throw new SiteFail('program-failed', `block protection stays set (0x${p.toString(16)}): is WP# held low?`);
    }
  }

  /** Polls OIP until clear and returns the final status. */
  async waitReady(limitMs: number, code: 'erase-failed' | 'program-failed' | 'verify-failed'): Promise<number> {
    const start = this.pacer.now();
    const interval = Math.max(0.01, limitMs / 200);
    for (;;) {
      const st = await this.getFeature(FEAT_STATUS);
      if ((st & ST_OIP) === 0) return st;
      if (this.pacer.now() - start > limitMs) throw new SiteFail(code, `chip still busy after ${Math.round(this.pacer.now() - start)} ms`);
      await this.pacer.sleep(interval);
    }
  }

  /** Sets the write-enable latch. */
  async writeEnable(): Promise<void> {
    await this.bus.transact(Uint8Array.of(SNAND.wren), 0);
  }

  /** Loads page `row` into the cache; returns the ECC state (0 ok, 1 corrected, 2+ uncorrectable). */
  async pageRead(row: number): Promise<number> {
    row = await this.address(row);
    await this.bus.transact(Uint8Array.of(SNAND.pageRead, (row >>> 16) & 0xff, (row >>> 8) & 0xff, row & 0xff), 0);
    const st = await this.waitReady(this.limits.readMs, 'verify-failed');
    return (st >> ST_ECC_SHIFT) & 0x03;
  }

  /** Reads `length` bytes of the cache (of the page last read) from `column` into `into`. */
  async readCache(column: number, length: number, into: Uint8Array): Promise<void> {
    column = this.col(column);
    const got = await this.bus.transact(Uint8Array.of(SNAND.readCache, (column >>> 8) & 0xff, column & 0xff, 0x00), length);
    into.set(got.subarray(0, length));
  }

  /**
   * Programs `data` at `column` of page `row` (the rest of the page stays 0xFF): WRITE ENABLE, PROGRAM LOAD, PROGRAM
   * EXECUTE, or LOAD before WRITE ENABLE where the vendor's sequence says so; false when the chip reports P_FAIL.
   */
  async programPage(row: number, column: number, data: Uint8Array): Promise<boolean> {
    row = await this.address(row);
    const loadFirst = this.proto.programOrder === 'load-wren';
    if (!loadFirst) await this.writeEnable();
    column = this.col(column);
    this.cmd[0] = SNAND.programLoad;
    this.cmd[1] = (column >>> 8) & 0xff;
    this.cmd[2] = column & 0xff;
    this.cmd.set(data, 3);
    await this.bus.transact(this.cmd.subarray(0, 3 + data.length), 0);
    if (loadFirst) await this.writeEnable();
    await this.bus.transact(Uint8Array.of(SNAND.programExecute, (row >>> 16) & 0xff, (row >>> 8) & 0xff, row & 0xff), 0);
    const st = await this.waitReady(this.limits.programMs, 'program-failed');
    return (st & ST_PFAIL) === 0;
  }

  /** Erases the block holding page `row`; false when the chip reports E_FAIL. */
  async blockErase(row: number): Promise<boolean> {
    row = await this.address(row);
    await this.writeEnable();
    await this.bus.transact(Uint8Array.of(SNAND.blockErase, (row >>> 16) & 0xff, (row >>> 8) & 0xff, row & 0xff), 0);
    const st = await this.waitReady(this.limits.eraseMs, 'erase-failed');
    return (st & ST_EFAIL) === 0;
  }
}
