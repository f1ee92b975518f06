import { describe, expect, it } from 'vitest';
import type { Chip, NandGeometry } from '../../src/catalog/chip.js';
import { Ch341aDriver } from '../../src/programmers/ch341a/driver.js';
import { Ch341aSpiBus } from '../../src/programmers/ch341a/spi-bus.js';
import { CH341A_EP_IN, CH341A_EP_OUT } from '../../src/programmers/ch341a/protocol.js';
import { emulatedCh341aBoard, type Ch341aBoard } from '../../src/programmers/emulation/ch341a/ch341a-board.js';
import type { SpiNandChip } from '../../src/programmers/emulation/ch341a/spi-nand-chip.js';
import type { SpiNorChip } from '../../src/programmers/emulation/ch341a/spi-nor-chip.js';
import type { EmulatedBoardOptions } from '../../src/programmers/emulation/options.js';
import { UsbTransport } from '../../src/programmers/usb-board/transport.js';
import { catalogChip, shrunkNand } from './catalog-chips.js';

/** Opens a CH341A driver on an emulated board for `chip` with one device inserted. */
async function open(chip: Chip, opts: EmulatedBoardOptions = {}): Promise<{ driver: Ch341aDriver; board: Ch341aBoard }> {
  let board!: Ch341aBoard;
  const driver = new Ch341aDriver({ model: 'CH341A', serial: 'R' }, async (c) => (board = emulatedCh341aBoard(c, opts)));
  await driver.open(chip);
  await driver.load([{ site: 0, device: 'R-1' }]);
  return { driver, board };
}

/** Distinct bytes for every page: page p is filled with (p * 7 + i) & 0xff, so a page in the wrong place shows. */
function pattern(bytes: number, pageSize: number): Uint8Array {
  return Uint8Array.from({ length: bytes }, (_, i) => (Math.floor(i / pageSize) * 7 + i) & 0xff);
}

async function* image(bytes: Uint8Array, offset = 0) {
  yield { offset, length: bytes.length, bytes };
}

/** Erases, programs `data` from byte 0 and verifies through the driver; returns the failures. */
async function eraseProgramVerify(driver: Ch341aDriver, data: Uint8Array): Promise<(string | undefined)[]> {
  const out: (string | undefined)[] = [];
  out.push((await driver.erase([0]))[0].failure?.message);
  out.push((await driver.program([0], image(data), {}))[0].failure?.message);
  out.push((await driver.verify([0]))[0].failure?.message);
  return out;
}

/** The main-area bytes of page `row` as the emulated array holds them (0xFF when never programmed). */
function pageOf(board: Ch341aBoard, row: number): Uint8Array {
  const m = board.chipModel() as SpiNandChip;
  const size = (m.g as NandGeometry).pageSize;
  return m.pages.get(row)?.subarray(0, size) ?? new Uint8Array(size).fill(0xff);
}

describe('SPI NAND program order (issue 19, 1)', () => {
  it('a WREN-first part (W25N01GV) gets WRITE ENABLE before PROGRAM LOAD, so each page holds the image and not the cache left by the last read', async () => {
    const chip = shrunkNand('W25N01GVZEIG', 16);
    const { driver, board } = await open(chip);
    const data = pattern(4 * 2048, 2048);
    expect(await eraseProgramVerify(driver, data)).toEqual([undefined, undefined, undefined]);
    for (let p = 0; p < 4; p++) expect(pageOf(board, p)).toEqual(data.subarray(p * 2048, (p + 1) * 2048));
  });

  it('every WREN-first SPI NAND of the catalog (Winbond, Micron, Macronix, Kioxia) and the load-first GigaDevice parts program and verify', async () => {
    for (const part of ['W25N02KVZEIR', 'MT29F1G01ABAFDWB-IT', 'MX35LF1GE4AB-Z4I', 'TC58CVG0S3HRAIG', 'GD5F1GQ4UBYIG']) {
      const chip = shrunkNand(part, 8);
      const { driver } = await open(chip);
      const g = chip.geometry as NandGeometry;
      expect([part, ...(await eraseProgramVerify(driver, pattern(3 * g.pageSize, g.pageSize)))]).toEqual([part, undefined, undefined, undefined]);
    }
  });
});

describe('SPI NAND plane and die select (issue 19, 2)', () => {
  it('a two-plane part (MX35LF2GE4AB) keeps odd blocks apart: PROGRAM LOAD and READ FROM CACHE carry the plane bit', async () => {
    const chip = shrunkNand('MX35LF2GE4AB-Z4I', 8);
    const { driver, board } = await open(chip);
    const block = 64 * 2048;
    const data = pattern(2 * block + 2048, 2048);
    expect(await eraseProgramVerify(driver, data)).toEqual([undefined, undefined, undefined]);
    expect(pageOf(board, 64)).toEqual(data.subarray(block, block + 2048));
    expect(pageOf(board, 128)).toEqual(data.subarray(2 * block, 2 * block + 2048));
  });

  it('the other two-plane parts of the catalog (MT29F2G01ABAGD, W25N04KV) program odd blocks too', async () => {
    for (const part of ['MT29F2G01ABAGDWB-IT', 'W25N04KVZEIR']) {
      const chip = shrunkNand(part, 4);
      const { driver, board } = await open(chip);
      const data = pattern(65 * 2048, 2048);
      expect([part, ...(await eraseProgramVerify(driver, data))]).toEqual([part, undefined, undefined, undefined]);
      expect(pageOf(board, 64)).toEqual(data.subarray(64 * 2048, 65 * 2048));
    }
  });

  for (const dieSelect of ['feature-d0', 'c2'] as const) {
    it(`a two-die part (${dieSelect === 'c2' ? 'W25M02GV-style, C2h' : 'MT29F4G01ADAGD-style, feature D0h'}) selects the die before addressing it, so the second die does not alias the first`, async () => {
      const base = shrunkNand('MT29F2G01ABAGDWB-IT', 8);
      const g = base.geometry as NandGeometry;
      const chip: Chip = { ...base, part: `TWO-DIE-${dieSelect}`, geometry: { ...g, protocol: { ...g.protocol, dies: 2, dieSelect, source: 'test part' } } };
      const { driver, board } = await open(chip);
      const block = 64 * 2048;
      const data = pattern(8 * block, 2048);
      expect(await eraseProgramVerify(driver, data)).toEqual([undefined, undefined, undefined]);
      expect(pageOf(board, 0)).toEqual(data.subarray(0, 2048));
      expect(pageOf(board, 4 * 64)).toEqual(data.subarray(4 * block, 4 * block + 2048));
    });
  }
});

describe('SPI NAND configuration register B0h (issue 19, 6)', () => {
  it('a W25N01GV ordering variant that powers up with BUF = 0 (continuous read) is put in buffer mode before the driver reads a column', async () => {
    const chip = shrunkNand('W25N01GVZEIG', 8);
    const { driver, board } = await open(chip, { configAtPowerUp: 0x10, badBlocks: [3] });
    expect((await driver.erase([0]))[0]).toMatchObject({ badBlocks: [3] });
    const data = pattern(5 * 64 * 2048, 2048);
    expect((await driver.program([0], image(data), {}))[0].failure).toBeUndefined();
    expect((await driver.verify([0]))[0].failure).toBeUndefined();
    expect(pageOf(board, 4 * 64)).toEqual(data.subarray(3 * 64 * 2048, 3 * 64 * 2048 + 2048));
  });
});

describe('SPI NOR 4-byte addressing (issue 19, 3)', () => {
  it('MT25QL256 (B7h only after WRITE ENABLE): bytes programmed at 0x1800000 land at 0x1800000 and read back there', async () => {
    const chip = catalogChip('MT25QL256ABA8ESF-0SIT');
    const { driver, board } = await open(chip);
    const data = Uint8Array.from({ length: 600 }, (_, i) => (i * 13 + 1) & 0xff);
    expect((await driver.erase([0]))[0].failure).toBeUndefined();
    expect((await driver.program([0], image(data, 0x1800000), {}))[0].failure).toBeUndefined();
    const mem = (board.chipModel() as SpiNorChip).mem;
    expect(mem.subarray(0x1800000, 0x1800000 + 600)).toEqual(data);
    expect(mem.subarray(0x018000, 0x018000 + 600).every((b) => b === 0xff)).toBe(true);
  });

  it('a 32 MiB part without 4-byte opcodes is switched with WRITE ENABLE + B7h, so bytes above 16 MiB land where they belong', async () => {
    const base = catalogChip('MT25QL256ABA8ESF-0SIT');
    const g = base.geometry as Chip['geometry'] & { protocol?: object };
    const chip: Chip = { ...base, part: 'NOR-NO-4B-OPS', geometry: { ...g, protocol: { enter4Byte: 'wren-b7', source: 'test part' } } };
    const { driver, board } = await open(chip);
    const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 5 + 3) & 0xff);
    expect((await driver.program([0], image(data, 0x1fff00), {}))[0].failure).toBeUndefined();
    expect((await driver.program([0], image(data, 0x1000100), {}))[0].failure).toBeUndefined();
    const m = board.chipModel() as SpiNorChip;
    expect(m.fourByteMode).toBe(true);
    expect(m.mem.subarray(0x1000100, 0x1000100 + 300)).toEqual(data);
    expect(m.mem.subarray(0x1fff00, 0x1fff00 + 300)).toEqual(data);
  });
});

describe('CH341A chip select and pins (issue 19, 6)', () => {
  it('a transaction whose USB transfer fails still ends with CS# high, so the next command is not read as its continuation', async () => {
    const chip = catalogChip('W25Q16JVSNIQ');
    const board = emulatedCh341aBoard(chip);
    board.insert?.('D-1');
    const t = new UsbTransport(board.device, { interfaceNumber: 0, outEndpoint: CH341A_EP_OUT, inEndpoint: CH341A_EP_IN }, { timeoutMs: 100 });
    await t.open();
    const bus = new Ch341aSpiBus(t);
    await bus.init(2);
    board.device.stallNextIn();
    await expect(bus.transact(Uint8Array.of(0x9f), 3)).rejects.toThrow(/stall/);
    expect(board.device.csAsserted).toBe(false);
    expect([...(await bus.transact(Uint8Array.of(0x9f), 3))]).toEqual([0xef, 0x40, 0x15]);
  });

  it('closing the driver releases D5..D0 (UIO DIR 0x00) and leaves CS# high', async () => {
    const { driver, board } = await open(catalogChip('W25Q16JVSNIQ'));
    await driver.readId([0]);
    expect(board.device.pinsDriven).toBe(0x3f);
    await driver.close();
    expect(board.device.pinsDriven).toBe(0x00);
    expect(board.device.csAsserted).toBe(false);
  });
});

describe('emulated USB host (issue 19, stricter emulator)', () => {
  it('an IN transfer shorter than the packet the device sends fails with the USB overflow error', async () => {
    const board = emulatedCh341aBoard(catalogChip('W25Q16JVSNIQ'));
    board.insert?.('D-1');
    const t = new UsbTransport(board.device, { interfaceNumber: 0, outEndpoint: CH341A_EP_OUT, inEndpoint: CH341A_EP_IN }, { timeoutMs: 100 });
    await t.open();
    await t.write(Uint8Array.of(0xa8, 0xff, 0xff, 0xff, 0xff));
    await expect(t.read(2)).rejects.toThrow(/OVERFLOW/);
  });
});
