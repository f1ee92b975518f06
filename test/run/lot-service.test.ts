import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { LotService, runLotService } from '../../src/scheduler/lot-service.js';
import type { RunEvent } from '../../src/scheduler/events.js';
import { lotFixture, lotRows } from '../helpers/lot-fixture.js';
import { tmpDir } from '../helpers/tmp.js';

const dir = tmpDir();

describe('the lot run as a service', () => {
  it('stop() ends the run after the cycle in flight: its devices are recorded, the end is interrupted, and a later run finishes the lot', async () => {
    // A slow sim (its own speed in the farm) so the stop lands while the first wave still runs.
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'stop'), devices: 40, imageBytes: 1 << 20, sim: { speed: 0.5, linkLostRate: 0 } });
    const service = await LotService.open({ dbFile, lot: 'LOT-1' });
    const events: RunEvent[] = [];
    let stopping = 0;
    try {
      const r = await service.run({
        listener: (e) => {
          events.push(e);
          if (e.type === 'cycle-start') service.stop();
        },
        stopping: () => stopping++,
      });
      expect(r).toMatchObject({ end: 'interrupted', leaseLost: false, alreadyDone: false });
      expect(stopping).toBe(1);
      // One wave (both programmers' cycles) started and every device of it has its result.
      const started = events.filter((e) => e.type === 'cycle-start').flatMap((e) => (e.type === 'cycle-start' ? e.devices : []));
      expect(events.filter((e) => e.type === 'device-result')).toHaveLength(started.length);
      expect(lotRows(dbFile)).toMatchObject({ attempts: started.length, interrupted: 0 });
    } finally {
      service.close();
    }
    // Resumed with the sim's speed given as a driver option (not scheduler logic), the lot runs to its end.
    expect((await runLotService({ dbFile, lot: 'LOT-1', driverOptions: { sim: { speed: 'unlimited' } } })).end).toBe('done');
    expect(lotRows(dbFile)).toMatchObject({ devices: 40, distinct: 40 });
  });

  it('a lot with no device left starts nothing: the run reports done at once with the lot\'s counters', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'done'), devices: 6 });
    expect((await runLotService({ dbFile, lot: 'LOT-1' })).alreadyDone).toBe(false);
    const service = await LotService.open({ dbFile, lot: 'LOT-1' });
    try {
      expect(service.done).toBe(true);
      expect(service.sites).toEqual([]);
      const events: RunEvent[] = [];
      const r = await service.run({ listener: (e) => events.push(e) });
      expect(r).toMatchObject({ end: 'done', alreadyDone: true, attempts: 0, remaining: 0 });
      expect(r.passed + r.failed).toBe(6);
      expect(events.map((e) => e.type)).toEqual(['lot-done']);
    } finally {
      service.close();
    }
  });

  it('a farm with no usable site is refused at open with no-sites, before any lease, worker or attempt', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'no-sites'), devices: 4 });
    const db = openDb(dbFile, { create: false });
    db.prepare("UPDATE sites SET enabled = 0, disabled_reason = 'under repair'").run();
    db.close();
    await expect(LotService.open({ dbFile, lot: 'LOT-1' })).rejects.toMatchObject({ code: 'no-sites' });
    expect(lotRows(dbFile).attempts).toBe(0);
    const check = openDb(dbFile, { create: false });
    expect(check.prepare('SELECT count(*) FROM runs').pluck().get()).toBe(0);
    check.close();
  });
});
