import { describe, expect, it } from 'vitest';
import { NandoDriver } from '../../src/programmers/nando/driver.js';
import { emulatedNandoBoard, type NandoBoard } from '../../src/programmers/emulation/nando/nando-board.js';
import type { EmulatedBoardOptions } from '../../src/programmers/emulation/options.js';
import { smallNand } from './chips.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const u64 = (n: number) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(n)); return b.toString('hex'); };

async function setup(opts: EmulatedBoardOptions = {}) {
  let board!: NandoBoard;
  const driver = new NandoDriver({ model: 'NANDO', serial: 'N' }, async (c) => (board = emulatedNandoBoard(c, opts)));
  await driver.open(smallNand);
  await driver.load([{ site: 0, device: 'N-1' }]);
  board.device.trace = true;
  return { driver, board };
}

describe('NANDO wire protocol', () => {
  it('configures the chip (CONF with geometry and FSMC commands), then reads the ID as one 7-byte data frame', async () => {
    const { driver, board } = await setup();
    expect((await driver.readId([0]))[0].failure).toBeUndefined();
    const log = board.device.log.map((t) => [t.dir, hex(t.bytes)]);
    const conf = '06' + '00' + '00080000' + '00000200' + u64(64 * 64 * 2048) + '40000000' + '00' +
      '020503020101' + '0202' + '0030ff90ff8010' + '60d070' + 'ff000000';
    expect(log).toEqual([
      ['out', conf], ['in', '0100'],
      ['out', '00'], ['in', '0005ecf1001595'],
    ]);
    expect(board.device.lineState).toBe(3);
  });

  it('reads the markers with READ_BB (07), then erases each run of good blocks as 01 + addr u64 + len u64 + flags 00 (never the firmware skip flag), answered by progress and OK frames', async () => {
    const { driver, board } = await setup({ badBlocks: [3] });
    await driver.readId([0]);
    board.device.log.length = 0;
    const [e] = await driver.erase([0]);
    expect(e.badBlocks).toEqual([3]);
    const out = board.device.log.filter((t) => t.dir === 'out').map((t) => hex(t.bytes));
    expect(out).toEqual(['07', '01' + u64(0) + u64(3 * 131072) + '00', '01' + u64(4 * 131072) + u64(60 * 131072) + '00']);
    const frames = board.device.log.filter((t) => t.dir === 'in').map((t) => hex(t.bytes));
    expect(frames[0]).toBe('0105' + u64(0));
    expect(frames).toContain('0102' + u64(3 * 131072) + '00000200');
    expect(frames).toContain('0105' + u64(131072));
    expect(frames.filter((f) => f.startsWith('0104'))).toEqual([]);
    expect(frames[frames.length - 1]).toBe('0100');
  });

  it('writes as WRITE_S (flags 00), 62-byte WRITE_D packets up to a page, an acknowledgement per page, then WRITE_E and a VERSION round trip that collects late program reports', async () => {
    const { driver, board } = await setup();
    await driver.erase([0]);
    board.device.log.length = 0;
    const data = Uint8Array.from({ length: 4096 }, (_, i) => i & 0xff);
    async function* img() { yield { offset: 0, length: data.length, bytes: data }; }
    expect((await driver.program([0], img(), {}))[0].failure).toBeUndefined();
    const log = board.device.log;
    expect(hex(log[0].bytes)).toBe('03' + u64(0) + u64(64 * 64 * 2048) + '00');
    expect(hex(log[1].bytes)).toBe('0100');
    expect(hex(log[2].bytes)).toBe('043e' + hex(data.subarray(0, 62)));
    const acks = log.filter((t) => t.dir === 'in' && t.bytes[1] === 0x03).map((t) => hex(t.bytes));
    expect(acks).toEqual(['0103' + u64(2048) + '00000000', '0103' + u64(4096) + '00000000']);
    const firstAck = log.findIndex((t) => t.dir === 'in' && t.bytes[1] === 0x03);
    expect(log.slice(2, firstAck).filter((t) => t.dir === 'out').length).toBe(Math.ceil(2048 / 62));
    expect(log.slice(-4).map((t) => hex(t.bytes))).toEqual(['05', '0100', '08', '000403040000']);
  });

  it('reads back for verify as READ 02 + addr + len + flags, answered by data frames of up to 62 bytes', async () => {
    const { driver, board } = await setup();
    await driver.erase([0]);
    const data = Uint8Array.from({ length: 2048 }, (_, i) => (i * 3) & 0xff);
    async function* img() { yield { offset: 0, length: data.length, bytes: data }; }
    await driver.program([0], img(), {});
    board.device.log.length = 0;
    expect((await driver.verify([0]))[0].failure).toBeUndefined();
    const log = board.device.log;
    expect(hex(log[0].bytes)).toBe('02' + u64(0) + u64(2048) + '00');
    expect(hex(log[1].bytes)).toBe('003e' + hex(data.subarray(0, 62)));
    expect(log.length).toBe(1 + Math.ceil(2048 / 62));
  });
});
