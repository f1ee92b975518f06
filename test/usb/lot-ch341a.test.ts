import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { runLotService } from '../../src/scheduler/lot-service.js';
import { lotRows } from '../helpers/lot-fixture.js';
import { tmpDir } from '../helpers/tmp.js';
import { lotAttempts, usbLotFixture } from './usb-lot-fixture.js';

const dir = tmpDir();

describe('a lot over emulated CH341A boards (one programmer per board)', () => {
  it('programs 12 SOIC8 W25Q16JV parts across three boards and every device passes with a serial', async () => {
    const { dbFile } = await usbLotFixture({
      dir: path.join(dir, 'nor'),
      driver: 'ch341a',
      model: 'CH341A',
      chip: 'W25Q16JVSNIQ',
      adapterType: 'soic8-150-zif-1',
      boards: [{ seed: 1 }, { seed: 2 }, { seed: 3 }],
      serial: 'SN000100@0x1FF000',
    });
    expect((await runLotService({ dbFile, lot: 'LOT-1' })).end).toBe('done');
    expect(lotRows(dbFile)).toMatchObject({ devices: 12, distinct: 12, passed: 12, failed: 0, attempts: 12, duplicateSerials: 0, integrity: 'ok' });
    const attempts = lotAttempts(dbFile);
    // Every board took part, each on its one site through its own adapter.
    expect(new Set(attempts.map((a) => a.programmer))).toEqual(new Set(['ch341a-1', 'ch341a-2', 'ch341a-3']));
    for (const a of attempts) {
      expect(a.site).toBe(0);
      expect(a.adapter).toBe(`A-${a.programmer.slice(-1)}`);
      expect(a.badBlocks).toBe(0);
    }
    const db = openDb(dbFile, { create: false });
    const serials = db.prepare("SELECT serial FROM devices WHERE lot_id = 'LOT-1' ORDER BY serial").pluck().all();
    db.close();
    expect(serials).toEqual(Array.from({ length: 12 }, (_, i) => `SN${String(100 + i).padStart(6, '0')}`));
  });

  it('runs from a farm.json that lists each board as a one-site programmer with its adapter', async () => {
    const { dbFile, farmFile } = await usbLotFixture({
      dir: path.join(dir, 'farm-file'),
      driver: 'ch341a',
      model: 'CH341A',
      chip: 'W25Q16JVSNIQ',
      adapterType: 'soic8-150-zif-1',
      boards: [{ seed: 7 }, { seed: 8 }],
      devices: 4,
      viaFarmFile: true,
    });
    expect((await runLotService({ dbFile, lot: 'LOT-1', farmFile })).end).toBe('done');
    expect(lotRows(dbFile)).toMatchObject({ devices: 4, passed: 4, attempts: 4 });
    expect(new Set(lotAttempts(dbFile).map((a) => `${a.programmer}:${a.site}/${a.adapter}`))).toEqual(new Set(['ch341a-1:0/A-1', 'ch341a-2:0/A-2']));
  });

  it('programs WSON8 W25N01GV SPI NAND parts, skipping a factory bad block inside the image', async () => {
    const { dbFile } = await usbLotFixture({
      dir: path.join(dir, 'snand'),
      driver: 'ch341a',
      model: 'CH341A',
      chip: 'W25N01GVZEIG',
      adapterType: 'wson8-8x6-pogo-1',
      // Block 1 (inside the 2-block image) is factory bad on board 2's parts: written unskipped, its program would fail.
      boards: [{ seed: 1 }, { seed: 2, badBlocks: [1] }],
      devices: 4,
      imageBytes: 256 << 10,
    });
    expect((await runLotService({ dbFile, lot: 'LOT-1' })).end).toBe('done');
    expect(lotRows(dbFile)).toMatchObject({ devices: 4, passed: 4, attempts: 4 });
    const attempts = lotAttempts(dbFile);
    expect(new Set(attempts.map((a) => a.programmer))).toEqual(new Set(['ch341a-1', 'ch341a-2']));
    for (const a of attempts) expect(a.badBlocks).toBe(a.programmer === 'ch341a-2' ? 1 : 0);
  });

  it('a reel of the wrong part fails every device at the ID stage on the board that seats it', async () => {
    const { dbFile } = await usbLotFixture({
      dir: path.join(dir, 'wrong-id'),
      driver: 'ch341a',
      model: 'CH341A',
      chip: 'W25Q16JVSNIQ',
      adapterType: 'soic8-150-zif-1',
      // Board 2's socket holds MX25L1606E parts (JEDEC ID C2 20 15) while the job wants W25Q16JV (EF 40 15).
      boards: [{ seed: 1 }, { seed: 2, idBytes: 'c22015' }],
      devices: 6,
    });
    await runLotService({ dbFile, lot: 'LOT-1' });
    const attempts = lotAttempts(dbFile);
    const onBad = attempts.filter((a) => a.programmer === 'ch341a-2');
    expect(onBad.length).toBeGreaterThan(0);
    for (const a of onBad) expect([a.result, a.failureCode, a.stage]).toEqual(['fail', 'id-mismatch', 'id']);
    for (const a of attempts.filter((x) => x.programmer === 'ch341a-1')) expect(a.result).toBe('pass');
  });
});
