import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { ProgrammerLeases } from '../../src/scheduler/programmer-lease.js';
import { bootId, holderGone, processStart } from '../../src/scheduler/holder.js';
import { lotFixture } from '../helpers/lot-fixture.js';
import { tmpDir } from '../helpers/tmp.js';
import { spawnCli } from './spawn-cli.js';

const dir = tmpDir('gangflash-fencing-');

describe('fencing: the database refuses what a run would write under a lost lease', () => {
  it('an attempt written or finished under a programmer lease epoch that was taken over is refused; closing it as interrupted is allowed and a finished attempt never changes', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'fence'), devices: 4 });
    const db = openDb(dbFile, { create: false });
    const sim1 = { id: db.prepare("SELECT id FROM programmers WHERE name = 'sim-1'").pluck().get() as number, name: 'sim-1' };
    const { leases } = ProgrammerLeases.acquire(db, 'run-a', 'LOT-1', [sim1]);
    const epoch = leases.epochs.get(sim1.id)!;
    const open = db.prepare(
      "INSERT INTO attempts (lot_id, reel_id, seq, attempt, programmer_id, site, started_at, result, lease_epoch) VALUES ('LOT-1', 'R1', ?, 1, ?, ?, '2026-01-01T00:00:00Z', 'in-socket', ?)",
    );
    const first = Number(open.run(1, sim1.id, 0, epoch).lastInsertRowid);
    const second = Number(open.run(2, sim1.id, 1, epoch).lastInsertRowid);
    const finish = db.prepare("UPDATE attempts SET result = 'pass', ended_at = '2026-01-01T00:00:01Z' WHERE id = ?");
    finish.run(first);

    // Another run takes the programmer over (as a run on another host does once this one's heartbeat expired).
    db.prepare("UPDATE programmer_leases SET epoch = epoch + 1, holder = 'run-b', host = 'bench-9.example', pid = 1 WHERE programmer_id = ?").run(sim1.id);
    expect(() => finish.run(second)).toThrow(/^lease-lost/);
    expect(() => open.run(3, sim1.id, 2, epoch)).toThrow(/^lease-lost/);
    expect(leases.check()).toBe(false);
    expect(leases.lost?.message).toMatch(/lease of programmer sim-1 was taken by another run/);
    // Recovery by the new holder: the open insertion is closed as interrupted; a finished attempt is never rewritten.
    db.prepare("UPDATE attempts SET result = 'interrupted', ended_at = '2026-01-01T00:00:02Z' WHERE id = ?").run(second);
    expect(() => db.prepare("UPDATE attempts SET result = 'fail', failure_code = 'x' WHERE id = ?").run(first)).toThrow(/^lease-lost/);
    leases.release();
    // A released lease (no holder) fences everything too, whatever the epoch.
    db.prepare("UPDATE programmer_leases SET holder = NULL WHERE programmer_id = ?").run(sim1.id);
    expect(() => open.run(4, sim1.id, 3, epoch + 1)).toThrow(/^lease-lost/);
    expect(db.prepare("SELECT result FROM attempts ORDER BY id").pluck().all()).toEqual(['pass', 'interrupted']);
    db.close();
  });
});

describe('a holder is gone only when that is provable', () => {
  const row = (o: Partial<Parameters<typeof holderGone>[0]>) => ({ host: os.hostname(), pid: process.pid, started: processStart(process.pid), bootId: bootId(), heartbeatAt: 0, ...o });

  it('on this host a live process is never gone however old its heartbeat; its pid with another start time, a pid that no longer exists, or another boot id is', async () => {
    expect(holderGone(row({}), 1000)).toBeNull();
    const started = processStart(process.pid);
    if (started !== null) expect(holderGone(row({ started: started + 1 }), 1000)).toBe('its pid now belongs to another process');
    const done = spawnCli(['--version']);
    await done.exit;
    expect(holderGone(row({ pid: done.child.pid! }), 1000)).toBe('its process is gone');
    if (bootId() !== null) expect(holderGone(row({ bootId: 'another-boot' }), 1000)).toBe('the host rebooted since');
  });

  it('on another host a holder is gone only once its heartbeat is older than the stale limit', () => {
    const now = Date.now();
    expect(holderGone(row({ host: 'bench-7.example', pid: 1, heartbeatAt: now - 500 }), 1000, now)).toBeNull();
    expect(holderGone(row({ host: 'bench-7.example', pid: 1, heartbeatAt: now - 1500 }), 1000, now)).toMatch(/heartbeat is 2 s old/);
  });
});
