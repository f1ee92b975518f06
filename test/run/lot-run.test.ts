import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { runLotService } from '../../src/scheduler/lot-service.js';
import { runCli } from '../helpers/cli.js';
import { lotFixture, lotRows } from '../helpers/lot-fixture.js';
import { tmpDir } from '../helpers/tmp.js';
import { events, spawnCli, until } from '../reliability/spawn-cli.js';
import { EXIT } from '../../src/cli/exit-codes.js';

const dir = tmpDir();
const run = async (dbFile: string, extra: Partial<Parameters<typeof runLotService>[0]> = {}) =>
  (await runLotService({ dbFile, lot: 'LOT-1', ...extra })).end;

describe('running a lot on the sim farm', () => {
  it('a lot completes with one device row per device and counters that agree with the rows', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'complete'), devices: 37, serial: 'SN0001@0x100000' });
    expect(await run(dbFile)).toBe('done');
    const rows = lotRows(dbFile);
    expect(rows).toMatchObject({ devices: 37, distinct: 37, failedWithoutCode: 0, duplicateSerials: 0, integrity: 'ok' });
    expect(rows.passed + rows.failed).toBe(37);
    const db = openDb(dbFile, { create: false });
    expect(db.prepare("SELECT status FROM lots WHERE id = 'LOT-1'").pluck().get()).toBe('done');
    // Every passed device carries a serial; serials are used or voided, never left reserved.
    expect(db.prepare("SELECT count(*) FROM devices WHERE result = 'pass' AND serial IS NULL").pluck().get()).toBe(0);
    expect(db.prepare("SELECT count(*) FROM serials WHERE state = 'reserved'").pluck().get()).toBe(0);
    db.close();
    // Running a done lot again does nothing and succeeds.
    expect(await run(dbFile)).toBe('done');
    expect(lotRows(dbFile).attempts).toBe(rows.attempts);
  });

  it('a broken site is disabled after three failures in a row and its devices land on other sites', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'broken'), devices: 60, simPer: { 1: { brokenSites: [2] } }, sim: { contact: { base: 0, atRatedLife: 0 } } });
    expect(await run(dbFile)).toBe('done');
    const db = openDb(dbFile, { create: false });
    const site = db.prepare('SELECT enabled, disabled_reason AS reason FROM sites s JOIN programmers p ON p.id = s.programmer_id WHERE p.name = ? AND s.site = 2').get('sim-1') as { enabled: number; reason: string };
    expect(site).toEqual({ enabled: 0, reason: '3 socket failures in a row' });
    const onBroken = db.prepare("SELECT count(*) FROM attempts a JOIN programmers p ON p.id = a.programmer_id WHERE p.name = 'sim-1' AND a.site = 2").pluck().get();
    expect(onBroken).toBe(3);
    // Each device that failed there was retried elsewhere and passed.
    const retried = db.prepare(
      `SELECT count(*) FROM attempts a JOIN programmers p ON p.id = a.programmer_id
       WHERE a.attempt = 2 AND a.result = 'pass' AND NOT (p.name = 'sim-1' AND a.site = 2)`,
    ).pluck().get();
    expect(retried).toBe(3);
    expect(db.prepare("SELECT count(*) FROM events WHERE code = 'site-disabled'").pluck().get()).toBe(1);
    db.close();
    expect(lotRows(dbFile)).toMatchObject({ devices: 60, distinct: 60 });
  });

  it('an adapter at its rated life is not used and raises an alarm', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'worn'), devices: 40, prior: { 'A-2-1': 5000, 'A-1-0': 4998 } });
    expect(await run(dbFile)).toBe('done');
    const db = openDb(dbFile, { create: false });
    const use = (serial: string) => db.prepare('SELECT count(*) FROM attempts a JOIN adapters d ON d.id = a.adapter_id WHERE d.serial = ?').pluck().get(serial);
    expect(use('A-2-1')).toBe(0);
    expect(use('A-1-0')).toBe(2);
    expect(db.prepare("SELECT count(*) FROM events WHERE code = 'adapter-life'").pluck().get()).toBe(2);
    db.close();
    expect(lotRows(dbFile).devices).toBe(40);
  });

  it('the yield stop limit stops a lot with its own exit code and leaves the rest for later', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'yield'), devices: 200, sim: { wrongChipRate: 0.5 } });
    expect(await run(dbFile, { stopYield: 0.9, stopYieldAfter: 16 })).toBe('yield-stop');
    const rows = lotRows(dbFile);
    expect(rows.devices).toBeGreaterThanOrEqual(16);
    expect(rows.devices).toBeLessThan(200);
    const db = openDb(dbFile, { create: false });
    expect(db.prepare("SELECT status FROM lots WHERE id = 'LOT-1'").pluck().get()).toBe('stopped');
    expect(db.prepare("SELECT count(*) FROM events WHERE code = 'yield-stop'").pluck().get()).toBe(1);
    db.close();
  });
});

describe('a lot no site can take', () => {
  it('a NAND lot on an eMMC farm is refused in one short line summarised by programmer, every site in --json details', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'no-sites'), programmers: 12, sites: 16, chip: 'MT29F1G08ABAEAWP', devices: 4 });
    const db = openDb(dbFile, { create: false });
    db.prepare("UPDATE sites SET enabled = 0, disabled_reason = 'bent pins on the socket' WHERE site < 4 AND programmer_id = (SELECT id FROM programmers WHERE name = 'sim-3')").run();
    db.close();
    const r = runCli(['--db', dbFile, 'run', '--lot', 'LOT-1']);
    expect(r.code).toBe(1);
    const line = r.stderr.trim();
    expect(line).toMatch(/^gangflash: no site can take MT29F1G08ABAEAWP \(TSOP48 12x20\): /);
    expect(line).toContain('programmers sim-1, sim-2 and 9 more: 176 sites, none usable: adapter emmc-153-11.5x13-clam-1 does not fit');
    expect(line).toContain('programmer sim-3: 16 sites, none usable: 12 adapter emmc-153-11.5x13-clam-1 does not fit, 4 disabled');
    expect(line).toMatch(/; see `gangflash compat MT29F1G08ABAEAWP` \[no-sites\]$/);
    expect(line.length).toBeLessThanOrEqual(300 + 'gangflash: '.length + ' [no-sites]'.length);
    expect(line).not.toContain('A-1-0');
    const j = runCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json']);
    const err = JSON.parse(j.stdout).error;
    expect(err.message.length).toBeLessThanOrEqual(300);
    expect(err.details.sites).toHaveLength(12 * 16);
    expect(err.details.sites[0]).toEqual({ programmer: 'sim-1', site: 0, adapter: 'A-1-0', reason: 'adapter A-1-0 (emmc-153-11.5x13-clam-1) does not fit MT29F1G08ABAEAWP' });
    expect(err.details.sites.find((x: { programmer: string; site: number }) => x.programmer === 'sim-3' && x.site === 0).reason).toBe('disabled (bent pins on the socket)');
    expect(lotRows(dbFile).attempts).toBe(0);
  });

  it('a no-sites message stays under 300 characters however many programmers differ', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'no-sites-many'), programmers: 30, sites: 2, chip: 'MT29F1G08ABAEAWP', devices: 4 });
    const db = openDb(dbFile, { create: false });
    // Every programmer unusable for its own reason: no two entries can share a line.
    const disable = db.prepare('UPDATE sites SET enabled = 0, disabled_reason = ? WHERE site = 0 AND programmer_id = (SELECT id FROM programmers WHERE name = ?)');
    for (let p = 1; p <= 30; p += 2) disable.run(`repair ${p}`, `sim-${p}`);
    db.close();
    const r = runCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json']);
    expect(r.code).toBe(1);
    const err = JSON.parse(r.stdout).error;
    expect(err.code).toBe('no-sites');
    expect(err.message.length).toBeLessThanOrEqual(300);
    expect(err.message).toMatch(/programmer\(s\) with \d+ site\(s\): every site with --json; see `gangflash compat MT29F1G08ABAEAWP`$/);
    expect(err.details.sites).toHaveLength(60);
  });
});

describe('Ctrl-C during run --json', () => {
  it('a second Ctrl-C quits at once and the NDJSON stream still ends with lot-done, end interrupted, exit 4', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'ctrl-c-twice'), devices: 80 });
    const run = spawnCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json', '--speed', '0.02']);
    const types = () => events(run).map((e) => e.type);
    // In a cycle, after one has finished: the first Ctrl-C waits for this cycle, the second does not.
    await until(() => types().includes('device-result') && types().lastIndexOf('cycle-start') > types().lastIndexOf('device-result'), 'a cycle in flight after a recorded device');
    run.child.kill('SIGINT');
    await until(() => run.stderr().includes('press Ctrl-C again to quit now'), 'the stopping notice');
    run.child.kill('SIGINT');
    expect(await run.exit, run.stderr()).toBe(EXIT.interrupted);
    const evs = events(run);
    expect(evs.filter((e) => e.type === 'lot-done')).toHaveLength(1);
    const last = evs.at(-1)!;
    expect(last).toMatchObject({ type: 'lot-done', end: 'interrupted', planned: 80 });
    const rows = lotRows(dbFile);
    expect(last).toMatchObject({ passed: rows.passed, failed: rows.failed, remaining: 80 - rows.passed - rows.failed });
    expect(last.remaining).toBeGreaterThan(0);
    expect(run.stderr()).not.toMatch(/internal error|\n\s+at /);
  });
});

describe('the cycle watchdog', () => {
  it('a cycle that runs past --cycle-timeout is given up and its devices fail with timeout', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'timeout'), devices: 8, imageBytes: 16 << 20, sim: { speed: 1, linkLostRate: 0 } });
    // Every cycle outlasts the watchdog: devices time out, are retried once elsewhere, time out again and fail.
    expect((await runLotService({ dbFile, lot: 'LOT-1', cycleTimeoutMs: 300 })).end).toBe('done');
    const db = openDb(dbFile, { create: false });
    expect(db.prepare("SELECT count(*) FROM attempts WHERE failure_code = 'timeout'").pluck().get()).toBeGreaterThanOrEqual(8);
    expect(db.prepare("SELECT count(*) FROM events WHERE code = 'cycle-timeout'").pluck().get()).toBeGreaterThanOrEqual(1);
    db.close();
    expect(lotRows(dbFile)).toMatchObject({ devices: 8, failed: 8, integrity: 'ok', failedWithoutCode: 0 });
  });
});

describe('operator control of sites', () => {
  it('a site the operator disables takes no devices, and enabling it again puts it back to work', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'operator'), devices: 16 });
    const off = runCli(['--db', dbFile, 'sites', 'disable', 'sim-1:3', '--reason', 'socket cleaning', '--json']);
    expect(off.code).toBe(0);
    expect(JSON.parse(off.stdout)[0]).toMatchObject({ programmer: 'sim-1', site: 3, enabled: false, reason: 'socket cleaning' });
    expect(await run(dbFile)).toBe('done');
    const used = (site: string) => {
      const db = openDb(dbFile, { create: false });
      const n = db.prepare("SELECT count(*) FROM attempts a JOIN programmers p ON p.id = a.programmer_id WHERE p.name || ':' || a.site = ?").pluck().get(site);
      db.close();
      return n;
    };
    expect(used('sim-1:3')).toBe(0);
    expect(runCli(['--db', dbFile, 'sites', 'enable', 'sim-1:3']).code).toBe(0);
    expect(runCli(['--db', dbFile, 'sites', 'enable', 'sim-9:0']).stderr).toMatch(/no programmer named "sim-9"/);
    const listed = JSON.parse(runCli(['--db', dbFile, 'sites', 'list', '--json']).stdout) as { programmer: string; site: number; enabled: boolean }[];
    expect(listed.find((s) => s.programmer === 'sim-1' && s.site === 3)?.enabled).toBe(true);
  });

  it('sites list on a database without programmers says there are no sites yet and how to add one, --json gives []', () => {
    const dbFile = path.join(dir, 'no-programmers.db');
    expect(runCli(['--db', dbFile, 'db', 'init']).code).toBe(0);
    const r = runCli(['--db', dbFile, 'sites', 'list']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('no sites yet; they come with their programmer: add one with `gangflash programmers add`\n');
    const j = runCli(['--db', dbFile, 'sites', 'list', '--json']);
    expect(JSON.parse(j.stdout)).toEqual([]);
  });
});
