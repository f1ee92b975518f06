import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/open.js';
import { runLotCommand } from '../../src/cli/run-lot.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { lotDeviceRows } from '../../src/report/device-rows.js';
import { lotFixture, lotRows } from '../helpers/lot-fixture.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { events, resumeInProcess, spawnCli, until } from './spawn-cli.js';

const dir = tmpDir('gangflash-serials-');

function withDb<T>(dbFile: string, fn: (db: Db) => T): T {
  const db = openDb(dbFile, { create: false });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

interface SerialRow {
  serial: string;
  n: number;
  reel_id: string;
  seq: number;
  state: string;
  reason: string | null;
}

describe('serial numbers across retries and crashes', () => {
  it('a device retried on another site reuses its reserved number, and the report says so', async () => {
    const { dbFile } = await lotFixture({
      dir: path.join(dir, 'retry'),
      devices: 24,
      serial: 'SN0001@0x100000',
      simPer: { 1: { brokenSites: [1] } },
      sim: { contact: { base: 0, atRatedLife: 0 }, linkLostRate: 0, wrongChipRate: 0 },
    });
    expect(await runLotCommand({ dbFile, lot: 'LOT-1', mode: 'quiet' })).toBe(EXIT.ok);
    withDb(dbFile, (db) => {
      const retried = db
        .prepare(
          `SELECT d.reel_id, d.seq, d.serial, group_concat(a.serial) AS tried, count(*) AS n FROM devices d
           JOIN attempts a ON a.lot_id = d.lot_id AND a.reel_id = d.reel_id AND a.seq = d.seq
           GROUP BY d.reel_id, d.seq HAVING n > 1`,
        )
        .all() as { seq: number; serial: string; tried: string; n: number }[];
      expect(retried.length).toBeGreaterThan(0);
      for (const r of retried) expect(r.tried).toBe(`${r.serial},${r.serial}`);
      expect(db.prepare("SELECT count(*) FROM serials WHERE state = 'void'").pluck().get()).toBe(0);
      const rows = lotDeviceRows(db, 'LOT-1');
      for (const r of retried) expect(rows.find((d) => d.seq === r.seq)).toMatchObject({ serialState: 'reused-after-retry', serial: r.serial, voidedSerials: null });
      expect(rows.filter((d) => d.serialState === 'used')).toHaveLength(24 - retried.length);
    });
    const csv = runCli(['--db', dbFile, 'report', 'lot', 'LOT-1', '--format', 'csv']);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout.split('\n')[0]).toContain('serialState,voidedSerials');
    expect(csv.stdout).toContain(',reused-after-retry,');
  });

  it('a device that finally fails has its number voided with the reason, and the report names the voided number', async () => {
    const { dbFile } = await lotFixture({
      dir: path.join(dir, 'void'),
      devices: 30,
      serial: 'SN0001@0x100000',
      sim: { wrongChipRate: 0.3, linkLostRate: 0 },
    });
    expect(await runLotCommand({ dbFile, lot: 'LOT-1', mode: 'quiet' })).toBe(EXIT.ok);
    withDb(dbFile, (db) => {
      const failed = db.prepare("SELECT reel_id, seq, failure_code AS code, serial FROM devices WHERE result = 'fail'").all() as { seq: number; code: string; serial: string | null }[];
      expect(failed.length).toBeGreaterThan(0);
      const rows = lotDeviceRows(db, 'LOT-1');
      for (const f of failed) {
        expect(f.serial).toBeNull();
        const v = db.prepare("SELECT serial, reason FROM serials WHERE seq = ? AND state = 'void'").get(f.seq) as { serial: string; reason: string };
        expect(v.reason).toBe(`device failed: ${f.code}`);
        expect(rows.find((d) => d.seq === f.seq)).toMatchObject({ serialState: 'voided', voidedSerials: v.serial });
      }
    });
    const html = runCli(['--db', dbFile, 'report', 'lot', 'LOT-1', '--format', 'html']);
    expect(html.stdout).toMatch(/<td>voided SN\d{4}<\/td>/);
  });

  it('after SIGKILLs mid-lot and a resume, used and void serials are exactly start..start+(k-1)·step: no duplicate, no gap', async () => {
    const { dbFile } = await lotFixture({
      dir: path.join(dir, 'crash'),
      devices: 48,
      serial: 'SN0100:3@0x100000',
      simPer: { 2: { brokenSites: [0] } },
      sim: { wrongChipRate: 0.1, linkLostRate: 0.05 },
    });
    let sawReserved = 0;
    for (const wave of [2, 4]) {
      const run = spawnCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json', '--speed', '0.05']);
      // Kill while a cycle is in flight: its devices hold reserved serials that are not recorded yet.
      await until(() => events(run).some((e) => e.type === 'cycle-start' && (e.wave as number) >= wave) || run.child.exitCode !== null, `wave ${wave}`);
      run.child.kill('SIGKILL');
      await run.exit;
      sawReserved += withDb(dbFile, (db) => db.prepare("SELECT count(*) FROM serials WHERE state = 'reserved'").pluck().get() as number);
    }
    expect(sawReserved).toBeGreaterThan(0);
    expect(await resumeInProcess(dbFile)).toBe(EXIT.ok);

    expect(lotRows(dbFile)).toMatchObject({ devices: 48, distinct: 48, duplicateSerials: 0, failedWithoutCode: 0, integrity: 'ok' });
    withDb(dbFile, (db) => {
      const all = db.prepare('SELECT serial, n, reel_id, seq, state, reason FROM serials ORDER BY n').all() as SerialRow[];
      expect(all.filter((s) => s.state === 'reserved')).toEqual([]);
      expect(all.map((s) => s.n)).toEqual(Array.from({ length: 48 }, (_, k) => 100 + 3 * k));
      expect(all.map((s) => s.serial)).toEqual(Array.from({ length: 48 }, (_, k) => `SN${String(100 + 3 * k).padStart(4, '0')}`));
      // One serial per device: each device holds exactly one number, used when it passed, void when it failed.
      expect(new Set(all.map((s) => `${s.reel_id}/${s.seq}`)).size).toBe(48);
      const devices = db.prepare('SELECT reel_id, seq, result, serial FROM devices').all() as { reel_id: string; seq: number; result: string; serial: string | null }[];
      for (const d of devices) {
        const s = all.find((x) => x.reel_id === d.reel_id && x.seq === d.seq)!;
        expect(s.state).toBe(d.result === 'pass' ? 'used' : 'void');
        if (d.result === 'pass') expect(d.serial).toBe(s.serial);
        else expect(s.reason).toMatch(/^device failed: /);
      }
      const passedSerials = devices.filter((d) => d.result === 'pass').map((d) => d.serial);
      expect(new Set(passedSerials).size).toBe(passedSerials.length);
    });
  });
});
