import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { lotFixture, lotRows } from '../helpers/lot-fixture.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { events, spawnCli, until } from './spawn-cli.js';
import { count, FAST_LEASE, hasStack, importReel, overlaps, sleep } from './ownership-fixture.js';

const dir = tmpDir('gangflash-ownership-');
const recorded = (r: ReturnType<typeof spawnCli>) => events(r).filter((e) => e.type === 'device-result').length;

/**
 * Starts a run of LOT-1 (with `extra` options), pauses it once it recorded a device while another connection holds the
 * database's write lock (as a holder stopped inside a transaction does), and checks that a second run with the same
 * options is told who holds the lot (exit 6), not "database is locked"; the first then ends interrupted.
 */
async function secondRunRefusedWhileHolderLocks(dbFile: string, extra: string[]): Promise<void> {
  const first = spawnCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json', '--speed', '0.02', ...extra], FAST_LEASE);
  await until(() => recorded(first) > 0, 'the first run to record a device');
  first.child.kill('SIGSTOP');
  // This connection plays a holder stopped inside one of its transactions; when the paused run was stopped inside one
  // itself, it already holds the write lock and this one cannot take it: the case is there either way.
  const lock = new Database(dbFile, { timeout: 0 });
  let locked = false;
  try {
    lock.exec('BEGIN IMMEDIATE');
    locked = true;
  } catch (e) {
    if ((e as { code?: string }).code !== 'SQLITE_BUSY') throw e;
  }
  try {
    const second = runCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json', '--speed', 'unlimited', ...extra], { env: { ...FAST_LEASE, GANGFLASH_LOCK_WAIT_MS: '300' } });
    expect(second.code, second.stderr).toBe(EXIT.lotHeld);
    expect(second.stderr).toContain(`pid ${first.child.pid} on`);
  } finally {
    if (locked) lock.exec('ROLLBACK');
    lock.close();
    first.child.kill('SIGCONT');
    first.child.kill('SIGINT');
  }
  expect(await first.exit).toBe(EXIT.interrupted);
}

describe('a programmer serves one run at a time', () => {
  it('a run paused past its heartbeat is never taken over: a second run of its lot, and a run of another lot on the same farm, are refused with exit 6; resumed, it finishes with no socket or device used twice at once and no serial on two devices', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'paused'), devices: 80, serial: 'SN0001@0x100000' });
    expect(importReel(dbFile, 'LOT-2', 'R1', 16).code).toBe(EXIT.ok);
    const first = spawnCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json', '--speed', '0.02'], FAST_LEASE);
    await until(() => recorded(first) > 0, 'the first run to record a device');
    first.child.kill('SIGSTOP');
    try {
      // Five heartbeats and more than the stale limit pass while it is stopped.
      await sleep(1500);
      const same = runCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json', '--speed', 'unlimited'], { env: FAST_LEASE });
      expect(same.code, same.stderr).toBe(EXIT.lotHeld);
      expect(same.stderr).toContain(`pid ${first.child.pid} on`);
      expect(hasStack(same.stderr)).toBe(false);
      const other = runCli(['--db', dbFile, 'run', '--lot', 'LOT-2', '--json', '--speed', 'unlimited'], { env: FAST_LEASE });
      expect(other.code, other.stderr).toBe(EXIT.lotHeld);
      expect(other.stderr).toMatch(new RegExp(`programmer sim-\\d is driven by pid ${first.child.pid} on .* for lot LOT-1`));
      expect(other.stderr).toContain('[programmer-held]');
      expect(hasStack(other.stderr)).toBe(false);
    } finally {
      first.child.kill('SIGCONT');
    }
    expect(await first.exit, first.stderr()).toBe(EXIT.ok);
    expect(hasStack(first.stderr())).toBe(false);
    expect(count(dbFile, "SELECT count(*) FROM attempts WHERE lot_id = 'LOT-2'")).toBe(0);
    expect(lotRows(dbFile)).toMatchObject({ devices: 80, distinct: 80, duplicateSerials: 0, integrity: 'ok' });
    expect(overlaps(dbFile)).toEqual({ socket: 0, device: 0, serialTwice: 0 });
  });

  it('a run whose programmers were taken while it was paused (an expired holder, as from another host) stops at once when it resumes: exit 6, one line, nothing more recorded', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'taken'), devices: 80, serial: 'SN0001@0x100000' });
    const first = spawnCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json', '--speed', '0.02'], FAST_LEASE);
    await until(() => recorded(first) > 0 && events(first).filter((e) => e.type === 'cycle-start').length > 2, 'the first run to be in a later cycle');
    first.child.kill('SIGSTOP');
    let before: number[];
    try {
      await sleep(300);
      // What a run on another host does once this holder's heartbeat expired: a new epoch on every programmer.
      const db = new Database(dbFile);
      db.exec(`UPDATE programmer_leases SET epoch = epoch + 1, holder = 'other-run', host = 'bench-9.example', pid = 1, started = NULL, boot_id = NULL, heartbeat_at = ${Date.now()};
               UPDATE lot_leases SET holder = 'other-run', host = 'bench-9.example', pid = 1, started = NULL, boot_id = NULL, heartbeat_at = ${Date.now()};`);
      db.close();
      before = [
        count(dbFile, 'SELECT count(*) FROM attempts'),
        count(dbFile, "SELECT count(*) FROM attempts WHERE result <> 'in-socket'"),
        count(dbFile, 'SELECT count(*) FROM devices'),
        count(dbFile, 'SELECT count(*) FROM events'),
        count(dbFile, "SELECT count(*) FROM serials WHERE state <> 'reserved'"),
      ];
    } finally {
      first.child.kill('SIGCONT');
    }
    expect(await first.exit, first.stderr()).toBe(EXIT.lotHeld);
    expect(first.stderr()).toMatch(/the lease of (lot|programmer) .* was taken by another run/);
    expect(first.stderr()).toContain('[lease-lost]');
    expect(hasStack(first.stderr())).toBe(false);
    expect([
      count(dbFile, 'SELECT count(*) FROM attempts'),
      count(dbFile, "SELECT count(*) FROM attempts WHERE result <> 'in-socket'"),
      count(dbFile, 'SELECT count(*) FROM devices'),
      count(dbFile, 'SELECT count(*) FROM events'),
      count(dbFile, "SELECT count(*) FROM serials WHERE state <> 'reserved'"),
    ]).toEqual(before);
    expect(count(dbFile, "SELECT count(*) FROM lot_leases WHERE holder = 'other-run'")).toBe(1);
  });

  it('a second run is told who holds the lot even while the paused holder keeps the write lock of the database', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'locked'), devices: 80 });
    await secondRunRefusedWhileHolderLocks(dbFile, []);
  });

  it('a second run given the farm file the database already matches is told who holds the lot while the paused holder keeps the write lock (the farm is only read)', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'locked-farm'), devices: 80 });
    const ro = new Database(dbFile, { readonly: true });
    const rows = ro.prepare('SELECT name, driver, model, serial, sites, options FROM programmers ORDER BY name').all() as { name: string; driver: string; model: string; serial: string; sites: number; options: string }[];
    const mounts = ro.prepare('SELECT a.serial, p.name, a.site FROM adapters a JOIN programmers p ON p.id = a.programmer_id').all() as { serial: string; name: string; site: number }[];
    ro.close();
    const farm = path.join(dir, 'locked-farm', 'farm.json');
    const programmers = rows.map((p) => ({
      ...p,
      options: JSON.parse(p.options) as Record<string, unknown>,
      adapters: Array.from({ length: p.sites }, (_, site) => mounts.find((m) => m.name === p.name && m.site === site)?.serial ?? null),
    }));
    fs.writeFileSync(farm, JSON.stringify({ programmers }));
    await secondRunRefusedWhileHolderLocks(dbFile, ['--farm', farm]);
  });

  it('two lots on one farm never drive the same programmers at once: the second is refused with exit 6 naming the programmer and its holder, and with --wait it runs once the first has finished', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'two-lots'), devices: 48 });
    expect(importReel(dbFile, 'LOT-2', 'R1', 24).code).toBe(EXIT.ok);
    const a = spawnCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json', '--speed', '0.02']);
    await until(() => events(a).some((e) => e.type === 'cycle-start'), 'lot 1 to start a cycle');
    const refused = runCli(['--db', dbFile, 'run', '--lot', 'LOT-2', '--json', '--speed', 'unlimited']);
    expect(refused.code, refused.stderr).toBe(EXIT.lotHeld);
    expect(refused.stderr).toMatch(new RegExp(`programmer sim-\\d is driven by pid ${a.child.pid} on .* for lot LOT-1`));
    expect(JSON.parse(refused.stdout).error.code).toBe('programmer-held');
    const b = spawnCli(['--db', dbFile, 'run', '--lot', 'LOT-2', '--json', '--speed', 'unlimited', '--wait'], FAST_LEASE);
    await until(() => b.stderr().includes('waiting for it'), 'lot 2 to wait');
    expect(await a.exit, a.stderr()).toBe(EXIT.ok);
    expect(await b.exit, b.stderr()).toBe(EXIT.ok);
    expect(lotRows(dbFile, 'LOT-1')).toMatchObject({ devices: 48, distinct: 48 });
    expect(lotRows(dbFile, 'LOT-2')).toMatchObject({ devices: 24, distinct: 24 });
    expect(overlaps(dbFile)).toEqual({ socket: 0, device: 0, serialTwice: 0 });
    // Lot 2's first insertion comes after lot 1's last.
    const lastOf1 = count(dbFile, "SELECT max(ended_at) FROM attempts WHERE lot_id = 'LOT-1'") as unknown as string;
    const firstOf2 = count(dbFile, "SELECT min(started_at) FROM attempts WHERE lot_id = 'LOT-2'") as unknown as string;
    expect(firstOf2 > lastOf1).toBe(true);
  });
});

describe('a run reports done only when its lot is done', () => {
  it('a reel imported while the lot runs is programmed by that run before it exits 0; a reel added to a done lot reopens it', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'grow'), devices: 40 });
    const r = spawnCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json', '--speed', '0.02']);
    await until(() => events(r).some((e) => e.type === 'cycle-start'), 'the run to start a cycle');
    expect(importReel(dbFile, 'LOT-1', 'R2', 10).code).toBe(EXIT.ok);
    expect(await r.exit, r.stderr()).toBe(EXIT.ok);
    const done = events(r).find((e) => e.type === 'lot-done') as { remaining: number; end: string };
    expect(done).toMatchObject({ end: 'done', remaining: 0 });
    expect(lotRows(dbFile).devices).toBe(50);
    expect(count(dbFile, "SELECT count(*) FROM lots WHERE id = 'LOT-1' AND status = 'done'")).toBe(1);

    expect(importReel(dbFile, 'LOT-1', 'R3', 5).code).toBe(EXIT.ok);
    const show = runCli(['--db', dbFile, 'lot', 'show', 'LOT-1', '--json']);
    const doc = JSON.parse(show.stdout) as { status?: string; remaining?: number; counters?: { status: string; remaining: number } };
    expect(doc.counters ?? doc).toMatchObject({ status: 'open', remaining: 5 });
    expect(runCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json', '--speed', 'unlimited']).code).toBe(EXIT.ok);
    expect(lotRows(dbFile).devices).toBe(55);
  });
});

describe('every insertion is an attempts row', () => {
  it('a run killed mid-cycle leaves its devices in the sockets as in-socket attempts; the next run closes them as interrupted, counted as insertions and adapter wear, never as yield', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'interrupted'), devices: 40, serial: 'SN0001@0x100000' });
    const r = spawnCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json', '--speed', '0.02']);
    await until(() => recorded(r) > 0 && count(dbFile, "SELECT count(*) FROM attempts WHERE result = 'in-socket'") > 0, 'a cycle in flight after a recorded device');
    r.child.kill('SIGKILL');
    expect(await r.exit).toBe('SIGKILL');
    const inSocket = count(dbFile, "SELECT count(*) FROM attempts WHERE result = 'in-socket'");
    expect(inSocket).toBeGreaterThan(0);

    expect(runCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json', '--speed', 'unlimited']).code).toBe(EXIT.ok);
    expect(count(dbFile, "SELECT count(*) FROM attempts WHERE result = 'in-socket'")).toBe(0);
    expect(count(dbFile, "SELECT count(*) FROM attempts WHERE result = 'interrupted'")).toBe(inSocket);
    const rows = lotRows(dbFile);
    expect(rows).toMatchObject({ devices: 40, distinct: 40, duplicateSerials: 0, integrity: 'ok' });

    // Adapter wear counts every insertion, the interrupted ones included.
    const inv = JSON.parse(runCli(['--db', dbFile, 'adapters', 'inventory', '--json']).stdout) as { serial: string; used?: number; insertions?: number }[] | { adapters: { used?: number; insertions?: number }[] };
    const list = Array.isArray(inv) ? inv : inv.adapters;
    expect(list.reduce((s, a) => s + (a.used ?? a.insertions ?? 0), 0)).toBe(rows.attempts);
    // Yield does not: per-site attempt yield is over finished attempts only, and final yield over devices.
    const y = JSON.parse(runCli(['--db', dbFile, 'stats', 'yield', '--lot', 'LOT-1', '--by', 'site', '--json']).stdout) as { rows: { n: number }[]; devices: number };
    expect(y.rows.reduce((s, x) => s + x.n, 0)).toBe(rows.attempts - inSocket);
    expect(y.devices).toBe(40);
  });
});
