import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { LotHeldError, LotLease } from '../../src/scheduler/lease.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { lotFixture, lotRows } from '../helpers/lot-fixture.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { events, spawnCli, until } from './spawn-cli.js';

const dir = tmpDir('gangflash-lease-');

describe('one owner per lot', () => {
  it('a second run of a lot held by a live process is refused with exit 6 naming the holder; after SIGKILL of the holder a new run takes over at once and finishes the lot', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'two'), devices: 40, serial: 'SN0001@0x100000' });
    const first = spawnCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json', '--speed', '0.02']);
    await until(() => events(first).some((e) => e.type === 'cycle-start'), 'the first run to start a cycle');

    const second = runCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json', '--speed', 'unlimited']);
    expect(second.code).toBe(EXIT.lotHeld);
    expect(second.stderr).toContain(`pid ${first.child.pid} on ${os.hostname()}`);
    expect(second.stderr).toContain('[lot-held]');
    expect(JSON.parse(second.stdout).error.code).toBe('lot-held');

    await until(() => events(first).some((e) => e.type === 'device-result'), 'the first run to record a device');
    first.child.kill('SIGKILL');
    expect(await first.exit).toBe('SIGKILL');
    const before = lotRows(dbFile).devices;
    expect(before).toBeLessThan(40);

    const third = runCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json', '--speed', 'unlimited']);
    expect(third.code).toBe(EXIT.ok);
    const evs = third.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; code?: string; message?: string });
    const takeover = evs.find((e) => e.type === 'alarm' && e.code === 'lease-takeover');
    expect(takeover?.message).toContain(`pid ${first.child.pid}`);
    expect(lotRows(dbFile)).toMatchObject({ devices: 40, distinct: 40, duplicateSerials: 0, integrity: 'ok' });
    const db = openDb(dbFile, { create: false });
    expect(db.prepare('SELECT count(*) FROM lot_leases').pluck().get()).toBe(0);
    db.close();
  });

  it('a holder on another host is refused while its heartbeat is fresh and taken over once it is stale; the old holder learns it lost the lot', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'stale'), devices: 4 });
    const db = openDb(dbFile, { create: false });
    const put = db.prepare('INSERT OR REPLACE INTO lot_leases (lot_id, holder, host, pid, acquired_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)');
    // pid 1 exists on every host, so only the heartbeat age can free it; the host name is not ours.
    put.run('LOT-1', 'other-run', 'bench-7.example', 1, '2026-01-01T00:00:00.000Z', Date.now() - 2_000);
    let refused: unknown;
    try {
      LotLease.acquire(db, 'LOT-1', { staleMs: 15_000 });
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(LotHeldError);
    expect((refused as LotHeldError).message).toContain('pid 1 on bench-7.example');

    put.run('LOT-1', 'other-run', 'bench-7.example', 1, '2026-01-01T00:00:00.000Z', Date.now() - 16_000);
    const lostSeen: string[] = [];
    const { lease, tookOver } = LotLease.acquire(db, 'LOT-1', { staleMs: 15_000, onLost: (e) => lostSeen.push(e.message) });
    expect(tookOver).toContain('from pid 1 on bench-7.example');
    const row = db.prepare('SELECT holder, host, pid FROM lot_leases').get() as { holder: string; host: string; pid: number };
    expect(row).toEqual({ holder: lease.holder, host: os.hostname(), pid: process.pid });
    // The run that lost its lease notices at its next heartbeat.
    put.run('LOT-1', 'thief', 'bench-8.example', 1, '2026-01-01T00:00:00.000Z', Date.now());
    lease.beat();
    expect(lease.lost?.message).toMatch(/taken by another run/);
    lease.beat();
    expect(lostSeen).toEqual(['the lease of lot LOT-1 was taken by another run']);
    lease.release();
    expect(db.prepare('SELECT holder FROM lot_leases').pluck().get()).toBe('thief');
    db.close();
  });

  it('a holder on this host whose process is gone is taken over at once, even with a fresh heartbeat', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'dead'), devices: 4 });
    const gone = spawnCli(['--version']);
    await gone.exit;
    const db = openDb(dbFile, { create: false });
    db.prepare('INSERT INTO lot_leases (lot_id, holder, host, pid, acquired_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      'LOT-1', 'dead-run', os.hostname(), gone.child.pid, '2026-01-01T00:00:00.000Z', Date.now(),
    );
    const { lease, tookOver } = LotLease.acquire(db, 'LOT-1');
    expect(tookOver).toContain(`from pid ${gone.child.pid} on ${os.hostname()}`);
    lease.release();
    db.close();
  });
});
