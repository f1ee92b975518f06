import { describe, expect, it } from 'vitest';
import { Ch341aDriver } from '../../src/programmers/ch341a/driver.js';
import { BIT_REVERSE } from '../../src/programmers/ch341a/protocol.js';
import { emulatedCh341aBoard, type Ch341aBoard } from '../../src/programmers/emulation/ch341a/ch341a-board.js';
import { smallNor, smallSpiNand } from './chips.js';
import type { Chip } from '../../src/catalog/chip.js';

/** Opens a driver on one emulated board with a chip seated, and turns tracing on. */
async function setup(chip: Chip): Promise<{ driver: Ch341aDriver; board: Ch341aBoard }> {
  let board!: Ch341aBoard;
  const driver = new Ch341aDriver({ model: 'CH341A', serial: 'P' }, async (c) => (board = emulatedCh341aBoard(c)));
  await driver.open(chip);
  await driver.load([{ site: 0, device: 'P-1' }]);
  board.device.trace = true;
  return { driver, board };
}

/** The SPI transactions in a trace: MOSI bytes (un-reversed) between CS# low and CS# high. */
function transactions(board: Ch341aBoard): number[][] {
  const out: number[][] = [];
  let cur: number[] | undefined;
  for (const t of board.device.log) {
    if (t.dir !== 'out') continue;
    for (let p = 0; p < t.bytes.length; p += 32) {
      const pkt = t.bytes.subarray(p, p + 32);
      if (pkt[0] === 0xab && pkt[1] === 0xb6) cur = [];
      else if (pkt[0] === 0xab && pkt[1] === 0xb7 && cur) {
        out.push(cur);
        cur = undefined;
      } else if (pkt[0] === 0xa8 && cur) for (const b of pkt.subarray(1)) cur.push(BIT_REVERSE[b]);
    }
  }
  return out;
}

describe('CH341A wire protocol', () => {
  it('reads the JEDEC ID with exactly these packets: UIO CS# low, SPI stream 9F + 3 reads, UIO CS# high', async () => {
    const { driver, board } = await setup(smallNor);
    const [id] = await driver.readId([0]);
    expect(id.failure).toBeUndefined();
    const log = board.device.log.map((t) => [t.dir, Buffer.from(t.bytes).toString('hex')]);
    const csLow = 'abb67f20' + '00'.repeat(28);
    expect(log).toEqual([
      ['out', csLow + 'a8f9ffffff'],
      ['in', Buffer.from([0xef, 0x30, 0x10].map((b) => BIT_REVERSE[b])).toString('hex').padStart(8, BIT_REVERSE[0xff].toString(16))],
      ['out', 'abb77f20'],
    ]);
  });

  it('erases a NOR chip as WREN, RDSR (WEL set), C7, then RDSR polls until WIP clears', async () => {
    const { driver, board } = await setup(smallNor);
    expect((await driver.erase([0]))[0].failure).toBeUndefined();
    const tx = transactions(board);
    expect(tx.slice(0, 3)).toEqual([[0x06], [0x05, 0xff], [0xc7]]);
    const polls = tx.slice(3);
    expect(polls.length).toBeGreaterThan(1);
    expect(polls.every((t) => t[0] === 0x05 && t.length === 2)).toBe(true);
  });

  it('programs one 256-byte page as 02 + 24-bit address + data, cut into 31-byte stream packets, never crossing the page', async () => {
    const { driver, board } = await setup(smallNor);
    await driver.erase([0]);
    board.device.log.length = 0;
    const data = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    async function* img() { yield { offset: 0x1f0, length: data.length, bytes: data }; }
    expect((await driver.program([0], img(), {}))[0].failure).toBeUndefined();
    const programs = transactions(board).filter((t) => t[0] === 0x02);
    expect(programs.map((t) => [t.slice(0, 4), t.length - 4])).toEqual([
      [[0x02, 0x00, 0x01, 0xf0], 16], [[0x02, 0x00, 0x02, 0x00], 256], [[0x02, 0x00, 0x03, 0x00], 28],
    ]);
    for (const t of board.device.log.filter((x) => x.dir === 'out')) {
      for (let p = 0; p < t.bytes.length; p += 32) expect(Math.min(32, t.bytes.length - p)).toBeLessThanOrEqual(32);
    }
    expect([...board.device.log.find((x) => x.dir === 'out' && x.bytes.length > 32 && BIT_REVERSE[x.bytes[33]] === 0x02)!.bytes.subarray(32, 37)])
      .toEqual([0xa8, BIT_REVERSE[0x02], BIT_REVERSE[0x00], BIT_REVERSE[0x01], BIT_REVERSE[0xf0]]);
  });

  it('reads as 03 + 24-bit address followed by 0xFF filler bytes, 1024 bytes per transaction', async () => {
    const { driver, board } = await setup(smallNor);
    await driver.blankCheck([0]);
    const reads = transactions(board).filter((t) => t[0] === 0x03);
    expect(reads.length).toBe(64);
    expect(reads[1].slice(0, 4)).toEqual([0x03, 0x00, 0x04, 0x00]);
    expect(reads[1].length).toBe(4 + 1024);
    expect(reads[1].slice(4).every((b) => b === 0xff)).toBe(true);
  });

  it('drives SPI NAND as RESET, unlock (1F A0 00), ID (9F + dummy), page read 13 + row, read from cache 03 + column + dummy', async () => {
    const { driver, board } = await setup(smallSpiNand);
    await driver.readId([0]);
    const tx = transactions(board);
    expect(tx[0]).toEqual([0xff]);
    expect(tx).toContainEqual([0x1f, 0xa0, 0x00]);
    expect(tx).toContainEqual([0x0f, 0xa0, 0xff]);
    expect(tx[tx.length - 1]).toEqual([0x9f, 0x00, 0xff, 0xff, 0xff]);
    board.device.log.length = 0;
    await driver.erase([0]);
    const t2 = transactions(board);
    expect(t2.slice(0, 2)).toEqual([[0x13, 0x00, 0x00, 0x00], [0x0f, 0xc0, 0xff]]);
    expect(t2).toContainEqual([0x03, 0x08, 0x00, 0x00, 0xff]);
    const i = t2.findIndex((t) => t[0] === 0xd8);
    expect(t2[i - 1]).toEqual([0x06]);
    expect(t2[i]).toEqual([0xd8, 0x00, 0x00, 0x00]);
  });
});
