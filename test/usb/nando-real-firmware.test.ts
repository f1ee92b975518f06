import { describe, expect, it } from 'vitest';
import type { Chip, NandGeometry } from '../../src/catalog/chip.js';
import { NandoDriver } from '../../src/programmers/nando/driver.js';
import { emulatedNandoBoard, type NandoBoard } from '../../src/programmers/emulation/nando/nando-board.js';
import type { EmulatedBoardOptions } from '../../src/programmers/emulation/options.js';
import { nandoTimeoutMs } from '../../src/programmers/nando/timeouts.js';
import { catalogChip, shrunkNand } from './catalog-chips.js';
import { smallNand } from './chips.js';

const PAGE = 2048;
const BLOCK = 64 * PAGE;

async function open(chip: Chip, opts: EmulatedBoardOptions = {}): Promise<{ driver: NandoDriver; board: NandoBoard }> {
  let board!: NandoBoard;
  const driver = new NandoDriver({ model: 'NANDO', serial: 'N' }, async (c) => (board = emulatedNandoBoard(c, opts)));
  await driver.open(chip);
  await driver.load([{ site: 0, device: 'N-1' }]);
  return { driver, board };
}

function pattern(bytes: number): Uint8Array {
  return Uint8Array.from({ length: bytes }, (_, i) => (Math.floor(i / PAGE) * 7 + i) & 0xff);
}

async function* image(bytes: Uint8Array) {
  yield { offset: 0, length: bytes.length, bytes };
}

/** Main-area bytes of page `row` in the emulated array. */
function pageOf(board: NandoBoard, row: number): Uint8Array {
  return board.chipModel()!.pages.get(row)?.subarray(0, PAGE) ?? new Uint8Array(PAGE).fill(0xff);
}

describe('NANDO firmware bad-block table (issue 19, 4)', () => {
  it('a part with 25 factory bad blocks (more than the firmware table’s 20) is erased, programmed and verified, all 25 reported', async () => {
    const base = shrunkNand('MT29F2G08ABAEAWP', 128);
    const chip: Chip = { ...base, geometry: { ...(base.geometry as NandGeometry), minValidBlocks: 100 } };
    const bad = Array.from({ length: 25 }, (_, i) => 2 + i * 4);
    const { driver, board } = await open(chip, { badBlocks: bad });
    const [e] = await driver.erase([0]);
    expect(e.failure).toBeUndefined();
    expect(e.badBlocks).toEqual(bad);
    const data = pattern(4 * BLOCK);
    expect((await driver.program([0], image(data), {}))[0].failure).toBeUndefined();
    expect((await driver.verify([0]))[0].failure).toBeUndefined();
    // Image block 2 lands on physical block 3 (block 2 is bad).
    expect(pageOf(board, 3 * 64)).toEqual(data.subarray(2 * BLOCK, 2 * BLOCK + PAGE));
  });
});

describe('NANDO late failure reports and asynchronous errors (issue 19, 5)', () => {
  it('a failed last page of a block is blamed on its own block, although the firmware reports the next page’s address', async () => {
    const { driver } = await open(smallNand, { programFailRows: [2 * 64 - 1] });
    await driver.erase([0]);
    const [p] = await driver.program([0], image(pattern(3 * BLOCK)), {});
    expect(p.failure?.code).toBe('program-failed');
    expect(p.badBlocks).toEqual([1]);
  });

  it('a failure of the image’s final page, which the firmware reports after WRITE_E’s OK, fails the program step', async () => {
    const { driver } = await open(smallNand, { programFailRows: [2 * 64 + 5] });
    await driver.erase([0]);
    const [p] = await driver.program([0], image(pattern(2 * BLOCK + 6 * PAGE)), {});
    expect(p.failure?.code).toBe('program-failed');
    expect(p.badBlocks).toEqual([2]);
  });

  it('a block that fails erase is passed over by the data, where the host placed it (the firmware remembers only marker-bad blocks)', async () => {
    const { driver, board } = await open(smallNand, { failingBlocks: [1] });
    const [e] = await driver.erase([0]);
    expect(e.badBlocks).toEqual([1]);
    const data = pattern(3 * BLOCK);
    expect((await driver.program([0], image(data), {}))[0]).toMatchObject({ badBlocks: [1] });
    expect((await driver.verify([0]))[0].failure).toBeUndefined();
    expect(pageOf(board, 2 * 64)).toEqual(data.subarray(BLOCK, BLOCK + PAGE));
  });

  it('the asynchronous error 153 ((uint8) -103: a program that never finished) fails the device as a write failure', async () => {
    const { driver, board } = await open(smallNand, { hangingBlocks: [1] });
    await driver.erase([0]);
    await driver.program([0], image(pattern(BLOCK + PAGE)), {});
    board.clock.advance(5000);
    const [v] = await driver.verify([0]);
    expect(v.failure?.code).toBe('program-failed');
    expect(v.failure?.message).toMatch(/153/);
    expect(v.failure?.message).toMatch(/write/i);
  });
});

describe('NAND program limits: NOP and in-order pages (issue 19, stricter emulator)', () => {
  it('an SLC page (NOP 4, K9F1G08U0E) takes four partial programs between erases and reports the fifth as a program failure', async () => {
    const { driver } = await open(shrunkNand('K9F1G08U0E-SIB0', 16));
    await driver.erase([0]);
    expect((await driver.program([0], image(pattern(PAGE)), {}))[0].failure).toBeUndefined();
    const codes: (string | undefined)[] = [];
    for (let k = 0; k < 5; k++) {
      const [w] = await driver.writeSerial([{ site: 0, offset: 64 * PAGE + 100 * k, bytes: Uint8Array.of(k, k, k) }]);
      codes.push(w.failure?.code);
    }
    expect(codes).toEqual([undefined, undefined, undefined, undefined, 'program-failed']);
  });

  it('on an MLC part (NOP 1, pages in order, MT29F32G08CBACA) erased image pages are not programmed, so a serial number fits after the last data page', async () => {
    const chip = shrunkNand('MT29F32G08CBACAWP', 4);
    const mlcPage = 4096;
    const { driver, board } = await open(chip);
    await driver.erase([0]);
    const data = new Uint8Array(256 * mlcPage).fill(0xff);
    data.set(pattern(3 * mlcPage));
    expect((await driver.program([0], image(data), {}))[0].failure).toBeUndefined();
    const [w] = await driver.writeSerial([{ site: 0, offset: 10 * mlcPage + 16, bytes: Uint8Array.of(0x53, 0x4e, 0x31) }]);
    expect(w.failure).toBeUndefined();
    expect([...board.chipModel()!.pages.get(10)!.subarray(15, 20)]).toEqual([0xff, 0x53, 0x4e, 0x31, 0xff]);
  });

  it('on an MLC part a serial number below a page already programmed in its block is refused before it is sent, naming the in-order rule', async () => {
    const chip = shrunkNand('MT29F32G08CBACAWP', 4);
    const mlcPage = 4096;
    const { driver } = await open(chip);
    await driver.erase([0]);
    expect((await driver.program([0], image(pattern(3 * mlcPage)), {}))[0].failure).toBeUndefined();
    const [w] = await driver.writeSerial([{ site: 0, offset: 1 * mlcPage + 16, bytes: Uint8Array.of(1) }]);
    expect(w.failure?.code).toBe('program-failed');
    expect(w.failure?.message).toMatch(/in order/);
  });
});

describe('NANDO transfer timeout (issue 19, 5)', () => {
  it('the per-transfer timeout follows the datasheet: ten typical block erases of a slow part, and at least one second', () => {
    expect(nandoTimeoutMs(catalogChip('MT29F32G08CBACAWP'))).toBe(1000);
    const slow = catalogChip('K9F1G08U0E-SIB0');
    expect(nandoTimeoutMs({ ...slow, timings: { ...slow.timings, tEraseUs: 700_000 } })).toBe(7000);
  });
});

describe('NANDO bad-block scan silence (issue 19, 5)', () => {
  it('the full-size 32 Gbit MLC part (4096 blocks) is erased without the firmware’s frameless whole-chip scan, which outlasts a 5 s transfer timeout', async () => {
    const chip = catalogChip('MT29F32G08CBACAWP');
    let board!: NandoBoard;
    const driver = new NandoDriver({ model: 'NANDO', serial: 'N' }, async (c) => (board = emulatedNandoBoard(c, {})), { timeoutMs: 5000 });
    await driver.open(chip);
    await driver.load([{ site: 0, device: 'N-1' }]);
    const [e] = await driver.erase([0]);
    expect(e.failure).toBeUndefined();
  });
});
