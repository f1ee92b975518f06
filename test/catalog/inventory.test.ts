import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/open.js';
import { loadCatalogs } from '../../src/catalog/load.js';
import { addProgrammer, listProgrammers, removeProgrammer } from '../../src/inventory/programmers.js';
import { addAdapter, getAdapter, mountAdapter, overrideLife, replaceSocket, retireAdapter, unmountAdapter } from '../../src/inventory/adapters.js';
import { adapterInsertions } from '../../src/inventory/wear.js';
import { inventory } from '../../src/inventory/inventory.js';
import { compatReport } from '../../src/inventory/compat-report.js';
import { InventoryError } from '../../src/errors.js';
import { tmpDir } from '../helpers/tmp.js';

const dir = tmpDir();
let n = 0;
let db: Db;

beforeEach(() => {
  db = openDb(path.join(dir, `inv-${n++}.db`));
  loadCatalogs(db);
  addProgrammer(db, { name: 'sim-1', driver: 'sim', model: 'sim-gang', serial: 'SIM0001', sites: 8 });
  addProgrammer(db, { name: 'ch-1', driver: 'ch341a', model: 'CH341A', serial: 'CH0001', sites: 1 });
});

/** Records `count` attempts made through `adapterId` on sim-1, `later` ms after now. */
function recordAttempts(adapterId: number, count: number, later = 1000): void {
  const sha = 'ab'.repeat(32);
  db.prepare("INSERT OR IGNORE INTO images (sha256, path, format, size) VALUES (?, '/x.img', 'raw', 1)").run(sha);
  db.prepare("INSERT OR IGNORE INTO jobs (id, name, version, chip, image_sha256, spec) VALUES (1, 'j', 1, 'KLM8G1GETF-B041', ?, '{}')").run(sha);
  db.prepare("INSERT OR IGNORE INTO lots (id, job_id, chip) VALUES ('L1', 1, 'KLM8G1GETF-B041')").run();
  const pid = db.prepare("SELECT id FROM programmers WHERE name = 'sim-1'").pluck().get();
  const base = (db.prepare('SELECT count(*) FROM attempts').pluck().get() as number) + 1;
  const at = new Date(Date.now() + later).toISOString();
  // Attempts are written only under a live programmer lease (migration 005): hold sim-1 as a run would.
  db.prepare("INSERT OR IGNORE INTO programmer_leases (programmer_id, epoch, holder) VALUES (?, 1, 'test')").run(pid);
  const ins = db.prepare("INSERT INTO attempts (lot_id, reel_id, seq, attempt, programmer_id, site, adapter_id, started_at, ended_at, result, lease_epoch) VALUES ('L1', 'R1', ?, 1, ?, 0, ?, ?, ?, 'pass', 1)");
  for (let i = 0; i < count; i++) ins.run(base + i, pid, adapterId, at, at);
}

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof InventoryError) return e.code;
    throw e;
  }
  return 'no error';
};

describe('inventory', () => {
  it('programmers get their sites numbered from 0', () => {
    const inv = inventory(db);
    expect(inv.programmers.find((p) => p.name === 'sim-1')?.sites.map((s) => s.site)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(listProgrammers(db).map((p) => p.family)).toEqual(['ch341a', 'sim-gang']);
  });

  it('a programmer whose driver is not its model driver is refused', () => {
    expect(code(() => addProgrammer(db, { name: 'x', driver: 'sim', model: 'CH341A', serial: 'X', sites: 1 }))).toBe('driver-mismatch');
    expect(code(() => addProgrammer(db, { name: 'x', driver: 'ch341a', model: 'CH341A', serial: 'X', sites: 2 }))).toBe('bad-sites');
  });

  it('mounting an adapter on a programmer family it does not plug into is refused', () => {
    addAdapter(db, { type: 'emmc-153-11.5x13-clam-1', serial: 'E1' });
    expect(code(() => mountAdapter(db, 'E1', 'ch-1', 0))).toBe('adapter-wrong-family');
    expect(getAdapter(db, 'E1').programmerId).toBeNull();
  });

  it('mounting on an occupied site is refused, including sites covered by a multi-site adapter', () => {
    addAdapter(db, { type: 'emmc-153-11.5x13-clam-1', serial: 'E1' });
    addAdapter(db, { type: 'tsop48-gang-4', serial: 'T4' });
    mountAdapter(db, 'T4', 'sim-1', 2); // covers sites 2..5
    expect(code(() => mountAdapter(db, 'E1', 'sim-1', 4))).toBe('site-occupied');
    expect(code(() => mountAdapter(db, 'E1', 'sim-1', 8))).toBe('site-out-of-range');
    mountAdapter(db, 'E1', 'sim-1', 6);
    expect(getAdapter(db, 'E1').site).toBe(6);
  });

  it('a retired adapter cannot be mounted until its socket is replaced', () => {
    addAdapter(db, { type: 'emmc-153-11.5x13-clam-1', serial: 'E1' });
    retireAdapter(db, 'E1', 'bent contacts');
    expect(code(() => mountAdapter(db, 'E1', 'sim-1', 0))).toBe('adapter-retired');
    replaceSocket(db, 'E1');
    expect(mountAdapter(db, 'E1', 'sim-1', 0).site).toBe(0);
  });

  it('insertions are derived from attempts plus prior insertions, and a new socket restarts the count', () => {
    const a = addAdapter(db, { type: 'emmc-153-11.5x13-clam-1', serial: 'E1', priorInsertions: 4990 });
    mountAdapter(db, 'E1', 'sim-1', 0);
    recordAttempts(a.id, 12);
    expect(adapterInsertions(db, a.id)).toBe(5002);
    const state = inventory(db).adapters[0];
    expect(state).toMatchObject({ insertions: 5002, rated: 5000, lifeLeftPct: 0, status: 'expired' });
    overrideLife(db, 'E1', 'last lot of the week');
    expect(inventory(db).adapters[0]).toMatchObject({ overrideLife: true, status: 'warn' });
    expect(replaceSocket(db, 'E1', new Date(Date.now() + 2000).toISOString()).insertionsBefore).toBe(5002);
    recordAttempts(a.id, 3, 3000);
    expect(inventory(db).adapters[0]).toMatchObject({ insertions: 3, status: 'ok', overrideLife: false });
    expect(db.prepare('SELECT insertions_before FROM socket_replacements').pluck().all()).toEqual([5002]);
  });

  it('a programmer carrying adapters is not removed unless they are unmounted', () => {
    addAdapter(db, { type: 'soic8-150-zif-1', serial: 'S1' });
    mountAdapter(db, 'S1', 'ch-1', 0);
    expect(code(() => removeProgrammer(db, 'ch-1'))).toBe('programmer-has-adapters');
    expect(removeProgrammer(db, 'ch-1', { unmount: true }).unmounted).toEqual(['S1']);
    expect(getAdapter(db, 'S1').programmerId).toBeNull();
    expect(listProgrammers(db).map((p) => p.name)).toEqual(['sim-1']);
  });

  it('compat counts owned, mounted-on-a-capable-programmer and healthy sites', () => {
    addAdapter(db, { type: 'emmc-153-11.5x13-pogo-8', serial: 'G8' });
    addAdapter(db, { type: 'emmc-153-11.5x13-clam-1', serial: 'E1' });
    addAdapter(db, { type: 'emmc-153-11.5x13-clam-1', serial: 'E2' });
    mountAdapter(db, 'G8', 'sim-1', 0);
    db.prepare("UPDATE sites SET enabled = 0, disabled_reason = 'test' WHERE site = 3").run();
    const r = compatReport(db, 'KLM8G1GETF-B041');
    const row = (t: string) => r.adapterTypes.find((x) => x.type === t);
    expect(row('emmc-153-11.5x13-pogo-8')).toMatchObject({ owned: 1, mounted: 1, healthySites: 7 });
    expect(row('emmc-153-11.5x13-clam-1')).toMatchObject({ owned: 2, mounted: 0, healthySites: 0 });
    expect(r.totalHealthySites).toBe(7);
    unmountAdapter(db, 'G8');
    expect(compatReport(db, 'KLM8G1GETF-B041').totalHealthySites).toBe(0);
  });
});
