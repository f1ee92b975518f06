import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/open.js';
import { loadCatalogs } from '../../src/catalog/load.js';
import { addAdapter, addProgrammer, listProgrammers } from '../../src/inventory/index.js';
import { validateFarm } from '../../src/farm/load.js';
import { syncFarm } from '../../src/farm/sync.js';
import { createDriver } from '../../src/programmers/registry.js';
import { SimClock } from '../../src/programmers/emulation/clock.js';
import { EmulatedCh341a } from '../../src/programmers/emulation/ch341a/ch341a-device.js';
import { EmulatedNando } from '../../src/programmers/emulation/nando/nando-device.js';
import { discover } from '../../src/usb-discovery/discover.js';
import { catalogUsbModels, registerDiscovered } from '../../src/usb-discovery/register.js';
import { tmpDir } from '../helpers/tmp.js';
import { usbFarmDoc } from './usb-lot-fixture.js';

const dir = tmpDir();
let n = 0;
/** A fresh database with the catalogs loaded. */
function catalogDb(): Db {
  const db = openDb(path.join(dir, `farm-${++n}.db`));
  loadCatalogs(db);
  return db;
}

describe('a farm of one-socket USB boards: one programmer per board, 1 site each', () => {
  it('discover --register adds each attached board as a one-site programmer, once', async () => {
    const db = catalogDb();
    const clock = new SimClock();
    const bus = [new EmulatedCh341a(clock, null, undefined), new EmulatedCh341a(clock, null, undefined), new EmulatedNando(clock, '3473365B3331')];
    const found = await discover(catalogUsbModels(db), { list: async () => bus });
    expect(registerDiscovered(db, found.devices, true).map((r) => [r.programmer, r.registered])).toEqual([
      ['ch341a-usb0', 'now'], ['ch341a-usb1', 'now'], ['nando-3473365b3331', 'now'],
    ]);
    expect(listProgrammers(db).map((p) => [p.name, p.driver, p.sites, p.options])).toEqual([
      ['ch341a-usb0', 'ch341a', 1, { usbIndex: 0 }],
      ['ch341a-usb1', 'ch341a', 1, { usbIndex: 1 }],
      ['nando-3473365b3331', 'nando', 1, { usbSerial: '3473365B3331' }],
    ]);
    expect(db.prepare('SELECT count(*) FROM sites').pluck().get()).toBe(3);
    expect(registerDiscovered(db, found.devices, true).map((r) => r.registered)).toEqual(['already', 'already', 'already']);
    db.close();
  });

  it('a farm.json of three CH341A boards registers three one-site programmers with an adapter on each site 0', () => {
    const db = catalogDb();
    for (const s of ['A-1', 'A-2', 'A-3']) addAdapter(db, { type: 'soic8-150-zif-1', serial: s });
    const doc = usbFarmDoc({ driver: 'ch341a', model: 'CH341A', boards: [{ seed: 1 }, { seed: 2 }, { seed: 3 }] });
    const r = syncFarm(db, validateFarm(doc));
    expect(r).toMatchObject({ added: ['ch341a-1', 'ch341a-2', 'ch341a-3'], mounted: ['A-1@ch341a-1:0', 'A-2@ch341a-2:0', 'A-3@ch341a-3:0'] });
    expect(listProgrammers(db).map((p) => p.sites)).toEqual([1, 1, 1]);
    db.close();
  });

  it('a CH341A entry with more than one site is refused and nothing is registered', () => {
    const db = catalogDb();
    addAdapter(db, { type: 'soic8-150-zif-1', serial: 'A-1' });
    const doc = usbFarmDoc({ driver: 'ch341a', model: 'CH341A', boards: [{ seed: 1 }] });
    const bad = { programmers: [...doc.programmers, { name: 'ch341a-gang', driver: 'ch341a', model: 'CH341A', serial: 'G-1', sites: 3, options: {} }] };
    expect(() => syncFarm(db, validateFarm(bad))).toThrow(/sites must be a whole number from 1 to 1 for model CH341A/);
    expect(listProgrammers(db)).toEqual([]);
    expect(() => addProgrammer(db, { name: 'n', driver: 'nando', model: 'NANDO', serial: 'N', sites: 2 })).toThrow(/from 1 to 1 for model NANDO/);
    db.close();
  });

  it('a driver spec for a CH341A or NANDO board with more than one site is refused, naming the one-programmer-per-board rule', () => {
    for (const driver of ['ch341a', 'nando'] as const) {
      const spec = { name: `${driver}-x`, driver, model: driver === 'ch341a' ? 'CH341A' : 'NANDO', serial: 'X', sites: 2, options: { emulated: {} } };
      expect(() => createDriver(spec)).toThrow(/one programmer per board, each with 1 site/);
    }
  });
});
