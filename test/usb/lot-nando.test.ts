import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLotService } from '../../src/scheduler/lot-service.js';
import { lotRows } from '../helpers/lot-fixture.js';
import { tmpDir } from '../helpers/tmp.js';
import { lotAttempts, usbLotFixture } from './usb-lot-fixture.js';

const dir = tmpDir();
// K9F1G08U0E: 1024 blocks of 64 × 2 KiB pages, at least 1004 valid (Samsung data sheet, via the chip catalog).
const chip = 'K9F1G08U0E-SIB0';

describe('a lot over emulated NANDO boards (one programmer per board, TSOP48)', () => {
  it('programs 12 TSOP48 NAND parts, skipping factory bad blocks inside the image, and every device passes', async () => {
    const { dbFile } = await usbLotFixture({
      dir: path.join(dir, 'skip'),
      driver: 'nando',
      model: 'NANDO',
      chip,
      adapterType: 'tsop48-zif-1',
      // Board 1 seats parts whose block 1 (inside the 4-block image) and block 700 are factory bad, board 3 parts whose
      // block 3 is (the image's last data block: written unskipped, its program would fail); board 2 seats
      // parts whose bad blocks are drawn per device (about 1 %), so they differ from device to device.
      boards: [{ seed: 1, badBlocks: [1, 700] }, { seed: 2, badBlockRate: 0.01 }, { seed: 3, badBlocks: [3] }],
      imageBytes: 512 << 10,
    });
    expect((await runLotService({ dbFile, lot: 'LOT-1' })).end).toBe('done');
    expect(lotRows(dbFile)).toMatchObject({ devices: 12, distinct: 12, passed: 12, failed: 0, attempts: 12, integrity: 'ok' });
    const attempts = lotAttempts(dbFile);
    const on = (p: string) => attempts.filter((a) => a.programmer === p);
    for (const p of ['nando-1', 'nando-2', 'nando-3']) expect(on(p).length).toBeGreaterThan(0);
    for (const a of attempts) expect([a.result, a.site, a.adapter]).toEqual(['pass', 0, `A-${a.programmer.slice(-1)}`]);
    // The bad blocks each device was found with are recorded on its attempt.
    for (const a of on('nando-1')) expect(a.badBlocks).toBe(2);
    for (const a of on('nando-3')) expect(a.badBlocks).toBe(1);
    const drawn = on('nando-2').map((a) => a.badBlocks);
    for (const n of drawn) expect(n).toBeGreaterThan(0);
    if (drawn.length >= 3) expect(new Set(drawn).size).toBeGreaterThan(1);
  });

  it('fails a part with more bad blocks than its data sheet allows as too-many-bad-blocks, and passes the others', async () => {
    const { dbFile } = await usbLotFixture({
      dir: path.join(dir, 'too-many'),
      driver: 'nando',
      model: 'NANDO',
      chip,
      adapterType: 'tsop48-zif-1',
      // 30 factory bad blocks leave 994 good ones, under the 1004 the part guarantees.
      boards: [{ seed: 1 }, { seed: 2, badBlocks: Array.from({ length: 30 }, (_, i) => 100 + i * 7) }],
      devices: 4,
      imageBytes: 256 << 10,
    });
    await runLotService({ dbFile, lot: 'LOT-1' });
    const attempts = lotAttempts(dbFile);
    const bad = attempts.filter((a) => a.programmer === 'nando-2');
    expect(bad.length).toBeGreaterThan(0);
    for (const a of bad) expect([a.result, a.failureCode, a.badBlocks]).toEqual(['fail', 'too-many-bad-blocks', 30]);
    for (const a of attempts.filter((x) => x.programmer === 'nando-1')) expect([a.result, a.badBlocks]).toEqual(['pass', 0]);
  });
});
