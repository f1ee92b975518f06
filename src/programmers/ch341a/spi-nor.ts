import type { NorProtocol } from '../../catalog/chip.js';
import type { Pacer } from '../usb-board/pacer.js';
import { SiteFail } from '../usb-board/site-fail.js';
import type { SpiBus } from './spi-bus.js';

/**
 * SPI NOR opcodes (JEDEC JESD216 / Winbond W25Q-series datasheets): READ ID 0x9F, WREN 0x06, RDSR 0x05
 * (WIP bit 0, WEL bit 1), PAGE PROGRAM 0x02, SECTOR ERASE 0x20 (4 KiB), BLOCK ERASE 0xD8 (64 KiB), CHIP ERASE 0xC7,
 * READ 0x03, WRITE DISABLE 0x04, ENTER 4-BYTE ADDRESS MODE 0xB7 (parts above 16 MiB), and the 4-byte-address opcodes READ 0x13,
 * PAGE PROGRAM 0x12, SECTOR ERASE 0x21, BLOCK ERASE 0xDC (flashrom spi25.c: JEDEC_READ_4BA, JEDEC_BYTE_PROGRAM_4BA,
 * JEDEC_SE_4BA / block erasers 0x21 and 0xdc).
 */
export const NOR = {
  readId: 0x9f, wren: 0x06, rdsr: 0x05, pageProgram: 0x02, sectorErase: 0x20, blockErase: 0xd8, chipErase: 0xc7,
  read: 0x03, enter4Byte: 0xb7, wrdi: 0x04,
} as const;
/** The native 4-byte-address opcode of each 3-byte one. */
const NATIVE_4BYTE: Record<number, number> = { 0x03: 0x13, 0x02: 0x12, 0x20: 0x21, 0xd8: 0xdc };
/** Status register bits. */
export const SR_WIP = 0x01;
export const SR_WEL = 0x02;

/** Busy limits of one NOR chip, milliseconds. */
export interface NorLimits {
  pageProgramMs: number;
  sectorEraseMs: number;
  chipEraseMs: number;
}

/** SPI NOR commands over an SPI bus, with status polling on a pacer. */
export class SpiNorOps {
  private readonly cmd = new Uint8Array(5 + 256);
  addrBytes: 3 | 4 = 3;
  private native = false;

  constructor(private readonly bus: SpiBus, private readonly pacer: Pacer, readonly limits: NorLimits, private readonly proto: NorProtocol = {}) {}

  /** The three JEDEC ID bytes. */
  async jedecId(): Promise<Uint8Array> {
    return Uint8Array.from(await this.bus.transact(Uint8Array.of(NOR.readId), 3));
  }

  /** Status register 1. */
  async status(): Promise<number> {
    return (await this.bus.transact(Uint8Array.of(NOR.rdsr), 1))[0];
  }

  /**
   * Reaches a > 16 MiB part with 4-byte addresses: its native 4-byte opcodes where it has them (no mode to enter, none
   * to lose), else ENTER 4-BYTE ADDRESS MODE, after WRITE ENABLE where the part requires it (flashrom
   * FEATURE_4BA_ENTER_WREN; the latch is then cleared with WRITE DISABLE, whatever the part did with it).
   */
  async enter4Byte(): Promise<void> {
    this.addrBytes = 4;
    if (this.proto.native4Byte) {
      this.native = true;
      return;
    }
    if (this.proto.enter4Byte === 'wren-b7') await this.writeEnable();
    await this.bus.transact(Uint8Array.of(NOR.enter4Byte), 0);
    if (this.proto.enter4Byte === 'wren-b7') await this.bus.transact(Uint8Array.of(NOR.wrdi), 0);
  }

  /** Sets the write-enable latch and checks that it is set (a protected or absent chip does not set it). */
  async writeEnable(): Promise<void> {
    await this.bus.transact(Uint8Array.of(NOR.wren), 0);
    const sr = await this.status();
    if ((sr & SR_WEL) === 0) throw new SiteFail('program-failed', `write enable did not latch (status 0x${sr.toString(16)}): is the chip write-protected?`);
  }

  /** Polls WIP until clear; `limitMs` of pacer time, else the chip is stuck busy. */
  async waitReady(limitMs: number, code: 'erase-failed' | 'program-failed'): Promise<void> {
    const start = this.pacer.now();
    let interval = Math.max(0.05, limitMs / 2000);
    for (;;) {
      if (((await this.status()) & SR_WIP) === 0) return;
      if (this.pacer.now() - start > limitMs) throw new SiteFail(code, `chip still busy after ${Math.round(this.pacer.now() - start)} ms`);
      await this.pacer.sleep(interval);
      interval = Math.min(interval * 1.5, Math.max(1, limitMs / 50));
    }
  }

  /** Programs `data` at `addr`; the caller keeps it inside one page. */
  async pageProgram(addr: number, data: Uint8Array): Promise<void> {
    await this.writeEnable();
    const n = this.putAddr(NOR.pageProgram, addr);
    this.cmd.set(data, n);
    await this.bus.transact(this.cmd.subarray(0, n + data.length), 0);
    await this.waitReady(this.limits.pageProgramMs, 'program-failed');
  }

  /** Erases the 4 KiB sector holding `addr`. */
  async sectorErase(addr: number): Promise<void> {
    await this.writeEnable();
    await this.bus.transact(this.cmd.subarray(0, this.putAddr(NOR.sectorErase, addr)), 0);
    await this.waitReady(this.limits.sectorEraseMs, 'erase-failed');
  }

  /** Erases the whole chip. */
  async chipErase(): Promise<void> {
    await this.writeEnable();
    await this.bus.transact(Uint8Array.of(NOR.chipErase), 0);
    await this.waitReady(this.limits.chipEraseMs, 'erase-failed');
  }

  /** Reads `length` bytes at `addr` into `into`. */
  async read(addr: number, length: number, into: Uint8Array): Promise<void> {
    const got = await this.bus.transact(this.cmd.subarray(0, this.putAddr(NOR.read, addr)), length);
    into.set(got.subarray(0, length));
  }

  /** Writes opcode + address into the command buffer; returns the header length. */
  private putAddr(op: number, addr: number): number {
    this.cmd[0] = this.native ? (NATIVE_4BYTE[op] ?? op) : op;
    if (this.addrBytes === 4) {
      this.cmd[1] = (addr >>> 24) & 0xff;
      this.cmd[2] = (addr >>> 16) & 0xff;
      this.cmd[3] = (addr >>> 8) & 0xff;
      this.cmd[4] = addr & 0xff;
      return 5;
    }
    this.cmd[1] = (addr >>> 16) & 0xff;
    this.cmd[2] = (addr >>> 8) & 0xff;
    this.cmd[3] = addr & 0xff;
    return 4;
  }
}
