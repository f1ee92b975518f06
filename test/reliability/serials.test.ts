import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/open.js';
import { runLotService } from '../../src/scheduler/lot-service.js';
import { importReels } from '../../src/lots/import.js';
import { lotDeviceRows } from '../../src/report/device-rows.js';
import { lotFixture, lotRows } from '../helpers/lot-fixture.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { events, spawnCli, until } from './spawn-cli.js';
import fs from 'node:fs';

const dir = tmpDir('gangflash-serials-');

function withDb<T>(dbFile: string, fn: (db: Db) => T): T {
  const db = openDb(dbFile, { create: false });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** Adds a lot of the fixture's job with one reel of `n` devices. */
function addLot(dbFile: string, lot: string, n: number): void {
  const csv = path.join(path.dirname(dbFile), `${lot}.csv`);
  fs.writeFileSync(csv, `lot,reel,part,quantity,date_code,job\n${lot},R1,KLM8G1GETF-B041,${n},2447,job\n`);
  withDb(dbFile, (db) => importReels(db, csv));
}

interface Ledger {
  value: string;
  state: string;
  lot: string | null;
  reel: string | null;
  seq: number | null;
}

/**
 * The ledger's promises over every lot of the database: no value in two devices, every value in exactly one state,
 * committed values exactly the passed devices' values, voided values in no passed device, nothing left open.
 */
function ledgerInvariants(dbFile: string, opts: { open?: boolean } = {}): { committed: number; voided: number; returned: number } {
  return withDb(dbFile, (db) => {
    const rows = db.prepare('SELECT value, state, lot_id AS lot, reel_id AS reel, seq FROM serial_ledger ORDER BY k').all() as Ledger[];
    expect(new Set(rows.map((r) => r.value)).size).toBe(rows.length);
    for (const r of rows) expect(['allocated', 'written', 'committed', 'voided', 'returned']).toContain(r.state);
    if (!opts.open) expect(rows.filter((r) => r.state === 'allocated' || r.state === 'written')).toEqual([]);
    const passed = db.prepare("SELECT lot_id AS lot, reel_id AS reel, seq, serial FROM devices WHERE result = 'pass'").all() as { lot: string; reel: string; seq: number; serial: string }[];
    const committed = rows.filter((r) => r.state === 'committed');
    expect(committed.map((r) => r.value).sort()).toEqual(passed.map((d) => d.serial).sort());
    for (const c of committed) expect(passed.find((d) => d.serial === c.value)).toMatchObject({ lot: c.lot, reel: c.reel, seq: c.seq });
    const voided = new Set(rows.filter((r) => r.state === 'voided').map((r) => r.value));
    for (const d of passed) expect(voided.has(d.serial)).toBe(false);
    const written = db.prepare("SELECT serial, count(DISTINCT lot_id || '/' || reel_id || '/' || seq) AS n FROM attempts WHERE serial IS NOT NULL AND stage IS NOT 'id' AND stage IS NOT 'erase' AND stage IS NOT 'blank' GROUP BY serial HAVING n > 1").all();
    expect(written).toEqual([]);
    return { committed: committed.length, voided: voided.size, returned: rows.filter((r) => r.state === 'returned').length };
  });
}

describe('the serial ledger', () => {
  it('two lots of one job never write the same serial value: the counter lives in the rule, not the lot', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'two-lots'), devices: 50, serial: 'GF-2026-000001:1@0x4000000', imageBytes: 64 << 10, sim: { wrongChipRate: 0, linkLostRate: 0 } });
    addLot(dbFile, 'LOT-2', 10);
    expect((await runLotService({ dbFile, lot: 'LOT-2' })).end).toBe('done');
    expect((await runLotService({ dbFile, lot: 'LOT-1' })).end).toBe('done');
    withDb(dbFile, (db) => {
      const serials = db.prepare('SELECT serial FROM devices WHERE serial IS NOT NULL').pluck().all() as string[];
      expect(serials).toHaveLength(60);
      expect(new Set(serials).size).toBe(60);
      expect(serials.sort()[59]).toBe('GF-2026-000060');
    });
    ledgerInvariants(dbFile);
  });

  it('a value whose device failed before programming returns to the pool and is issued again; one that failed after is voided for ever', async () => {
    const { dbFile } = await lotFixture({
      dir: path.join(dir, 'reuse'),
      devices: 40,
      serial: 'SN0001@0x100000',
      sim: { wrongChipRate: 0.15, linkLostRate: 0, defectMultiplier: 50 },
    });
    expect((await runLotService({ dbFile, lot: 'LOT-1' })).end).toBe('done');
    const counts = ledgerInvariants(dbFile);
    withDb(dbFile, (db) => {
      const fails = db.prepare("SELECT stage, count(*) AS n FROM attempts WHERE result = 'fail' GROUP BY stage").all() as { stage: string; n: number }[];
      const early = fails.filter((f) => ['id', 'erase', 'blank'].includes(f.stage)).reduce((a, f) => a + f.n, 0);
      const late = fails.filter((f) => !['id', 'erase', 'blank'].includes(f.stage)).reduce((a, f) => a + f.n, 0);
      expect(early).toBeGreaterThan(0);
      // every late failure voided its value; every early one returned it (and the pool was drawn from again)
      expect(counts.voided).toBe(late);
      const reissued = db.prepare("SELECT count(*) FROM attempts a WHERE result = 'fail' AND stage = 'id' AND EXISTS (SELECT 1 FROM attempts b WHERE b.serial = a.serial AND b.id > a.id)").pluck().get() as number;
      expect(reissued).toBeGreaterThan(0);
      const rows = lotDeviceRows(db, 'LOT-1');
      for (const r of rows.filter((d) => d.result === 'fail' && d.voidedSerials)) expect(r.serialState).toBe('voided');
    });
    const csv = runCli(['--db', dbFile, 'report', 'lot', 'LOT-1', '--format', 'csv']);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout.split('\n')[0]).toContain('serialState,voidedSerials');
  });

  it('a rule with fewer values left than the lot has devices is refused before any device is touched (exit 1)', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'short'), devices: 12, serial: 'SN5@0x100000' });
    const r = runCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--speed', 'unlimited']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/12 devices left but serial rule job can issue only 5 more values; nothing was programmed/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(lotRows(dbFile)).toMatchObject({ devices: 0, attempts: 0 });
  });

  it('a rule that runs out mid-lot stops the lot before the next device, with nothing written twice', async () => {
    // 19 values (81..99) for 16 devices: the lot starts; values voided by links lost mid-program (each retried with a
    // fresh value) run the rule dry before the end.
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'dry'), devices: 16, serial: 'SN81@0x100000', sim: { linkLostRate: 0.6, wrongChipRate: 0 } });
    const r = runCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--speed', 'unlimited', '--json', '--site-fail-limit', '1000']);
    expect(r.code).toBe(1);
    const end = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(end.find((e) => e.type === 'lot-done')).toMatchObject({ end: 'serial-exhausted' });
    expect(end.some((e) => e.type === 'alarm' && e.code === 'serial-exhausted')).toBe(true);
    ledgerInvariants(dbFile);
    withDb(dbFile, (db) => {
      expect(db.prepare("SELECT count(*) FROM serial_ledger WHERE state IN ('committed', 'voided')").pluck().get()).toBe(19);
      expect(db.prepare("SELECT status FROM lots WHERE id = 'LOT-1'").pluck().get()).toBe('stopped');
    });
  });

  it('after SIGKILLs mid-lot and a resume, no value is in two devices and every value is in exactly one state', async () => {
    const { dbFile } = await lotFixture({
      dir: path.join(dir, 'crash'),
      devices: 48,
      serial: 'SN0100:3@0x100000',
      simPer: { 2: { brokenSites: [0] } },
      sim: { wrongChipRate: 0.1, linkLostRate: 0.05 },
    });
    let sawOpen = 0;
    for (const wave of [2, 4]) {
      const run = spawnCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json', '--speed', '0.05']);
      await until(() => events(run).some((e) => e.type === 'cycle-start' && (e.wave as number) >= wave) || run.child.exitCode !== null, `wave ${wave}`);
      run.child.kill('SIGKILL');
      await run.exit;
      sawOpen += withDb(dbFile, (db) => db.prepare("SELECT count(*) FROM serial_ledger WHERE state = 'allocated'").pluck().get() as number);
      ledgerInvariants(dbFile, { open: true });
    }
    expect(sawOpen).toBeGreaterThan(0);
    expect((await runLotService({ dbFile, lot: 'LOT-1', driverOptions: { sim: { speed: 'unlimited' } } })).end).toBe('done');
    expect(lotRows(dbFile)).toMatchObject({ devices: 48, distinct: 48, duplicateSerials: 0, failedWithoutCode: 0, integrity: 'ok' });
    const c = ledgerInvariants(dbFile);
    expect(c.voided).toBeGreaterThanOrEqual(sawOpen);
  });

  it('random sequences of lots of one job with failures at every stage and rules running dry keep the ledger whole', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 14 }), { minLength: 1, maxLength: 3 }),
        fc.record({ wrongChipRate: fc.double({ min: 0, max: 0.3, noNaN: true }), defectRate: fc.double({ min: 0, max: 0.3, noNaN: true }), linkLostRate: fc.double({ min: 0, max: 0.3, noNaN: true }) }),
        // Values left in the rule: 999 - start + 1 (a 3-digit counter); small ones run dry mid-lot or at a lot's start.
        fc.integer({ min: 960, max: 999 }),
        async (lots, sim, start) => {
          const { dbFile } = await lotFixture({
            dir: path.join(dir, `prop-${run++}`),
            devices: lots[0],
            serial: `P${start}@0x100000`,
            imageBytes: 64 << 10,
            sim: { wrongChipRate: sim.wrongChipRate, linkLostRate: sim.linkLostRate, defectMultiplier: Math.round(sim.defectRate * 100), seed: run },
          });
          lots.slice(1).forEach((n, i) => addLot(dbFile, `LOT-${i + 2}`, n));
          for (let i = lots.length; i >= 1; i--) {
            // A lot larger than the values left is refused before its first device (a thrown serial-exhausted).
            const code = await runLotService({ dbFile, lot: `LOT-${i}`, siteFailLimit: 1000 }).then((r) => r.end, (e: { code?: string }) => e.code);
            expect(['done', 'no-sites', 'serial-exhausted']).toContain(code);
          }
          const c = ledgerInvariants(dbFile);
          expect(c.committed + c.voided + c.returned).toBeLessThanOrEqual(999 - start + 1);
        },
      ),
      { numRuns: Number(process.env.SERIAL_PROP_RUNS ?? 8) },
    );
  });
});
