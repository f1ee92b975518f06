import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../src/hub/connection.js';
import { finishReel, heartbeat, leaseNextReel, leaseReel, moveReel, reelsOfLot, releaseReel, resumeReels } from '../../src/hub/store/reels.js';
import { registerStation } from '../../src/hub/store/stations.js';
import { uploadBatch } from '../../src/hub/store/uploads.js';
import type { UploadedDevice } from '../../src/records/station-wire.js';
import { lotEvents } from '../../src/hub/store/events.js';
import { freshDatabase, postgresAvailable } from './pg.js';
import { hubWithLot } from './fixture.js';

const up = await postgresAvailable('the hub reel lease tests');

const device = (reel: string, seq: number, epoch: number): UploadedDevice => ({ lot: 'LOT-H', reel, seq, result: 'pass', failureCode: null, serial: null, finishedAt: '2026-01-01T00:00:00.000Z', epoch });

describe.skipIf(!up)('reel leases: a reel is held by one station, moved only by an operator', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await hubWithLot(await freshDatabase('reels'), { reels: 12, quantity: 10, stations: ['S1', 'S2', 'S3', 'S4'] });
  });
  afterAll(async () => hub?.close());

  it('four stations asking for the next free reel at once each get different reels, every reel once, then none', async () => {
    const stations = ['S1', 'S2', 'S3', 'S4'];
    const got = await Promise.all(stations.flatMap((s) => [0, 1, 2].map(() => leaseNextReel(hub, 'LOT-H', s, `pid 1 on ${s}`))));
    const reels = got.map((l) => l!.reel);
    expect(new Set(reels).size).toBe(12);
    expect(got.every((l) => l!.epoch === 1 && l!.startSeq === 1)).toBe(true);
    expect(await leaseNextReel(hub, 'LOT-H', 'S1', 'pid 1 on S1')).toBeNull();
    const held = await reelsOfLot(hub, 'LOT-H');
    expect(held.every((r) => r.state === 'held')).toBe(true);
  });

  it('a station that stopped keeps its reels: another cannot take them, and on restart it resumes them under the same epoch', async () => {
    const mine = (await reelsOfLot(hub, 'LOT-H')).filter((r) => r.station === 'S1');
    await expect(leaseReel(hub, 'LOT-H', mine[0].reel, 'S2', 'pid 2 on S2')).rejects.toMatchObject({ code: 'reel-held', message: expect.stringMatching(/reel move/) });
    const resumed = await resumeReels(hub, 'LOT-H', 'S1', 'pid 99 on S1');
    expect(resumed.map((r) => [r.reel, r.epoch]).sort()).toEqual(mine.map((r) => [r.reel, r.epoch]).sort());
    const again = await leaseReel(hub, 'LOT-H', mine[0].reel, 'S1', 'pid 99 on S1');
    expect(again.epoch).toBe(mine[0].epoch);
  });

  it('moving a reel fences the old holder: its epoch grows, the old holder loses it from its heartbeat and cannot finish it, the new one continues after the last device the hub knows', async () => {
    const reel = (await reelsOfLot(hub, 'LOT-H')).find((r) => r.station === 'S3')!.reel;
    await uploadBatch(hub, { station: 'S3', attempts: [], ledger: [], devices: [1, 2, 3, 4].map((s) => device(reel, s, 1)) });
    const moved = await moveReel(hub, 'LOT-H', reel, 'S4', 'operator Ann');
    expect(moved).toMatchObject({ from: 'S3', fromEpoch: 1, epoch: 2, startSeq: 5 });
    expect((await heartbeat(hub, 'S3')).map((r) => r.reel)).not.toContain(reel);
    expect((await heartbeat(hub, 'S4')).find((r) => r.reel === reel)?.epoch).toBe(2);
    await expect(finishReel(hub, 'LOT-H', reel, 'S3', 1)).rejects.toMatchObject({ code: 'reel-lease-lost' });
    await expect(releaseReel(hub, 'LOT-H', reel, 'S3', 1)).rejects.toMatchObject({ code: 'reel-lease-lost' });
    const events = await lotEvents(hub, 'LOT-H');
    expect(events.find((e) => e.code === 'reel-moved')?.message).toMatch(/from S3 \(epoch 1\) to S4 \(epoch 2\) by operator Ann; S4 continues at seq 5/);
    // The hub marks the reel done only once it has a device for every seq of it.
    expect(await finishReel(hub, 'LOT-H', reel, 'S4', 2)).toEqual({ missing: [5, 6, 7, 8, 9, 10] });
    expect((await reelsOfLot(hub, 'LOT-H')).find((r) => r.reel === reel)?.state).toBe('held');
    await uploadBatch(hub, { station: 'S4', attempts: [], ledger: [], devices: [5, 6, 7, 8, 9, 10].map((s) => device(reel, s, 2)) });
    expect(await finishReel(hub, 'LOT-H', reel, 'S4', 2)).toEqual({ missing: [] });
    await expect(moveReel(hub, 'LOT-H', reel, 'S1', 'operator Ann')).rejects.toMatchObject({ code: 'reel-done' });
  });

  it('a reel cannot be moved to a station that never registered, nor can an unknown reel be leased', async () => {
    const reel = (await reelsOfLot(hub, 'LOT-H')).find((r) => r.state === 'held')!.reel;
    await expect(moveReel(hub, 'LOT-H', reel, 'S9', 'x')).rejects.toMatchObject({ code: 'station-unknown' });
    await expect(leaseReel(hub, 'LOT-H', 'RE-99', 'S1', 'x')).rejects.toMatchObject({ code: 'reel-unknown' });
  });

  it('a released reel is free again and the next lease continues its sequence under a new epoch', async () => {
    const r = (await reelsOfLot(hub, 'LOT-H')).find((x) => x.station === 'S2')!;
    await uploadBatch(hub, { station: 'S2', attempts: [], ledger: [], devices: [1, 2].map((s) => device(r.reel, s, r.epoch)) });
    await releaseReel(hub, 'LOT-H', r.reel, 'S2', r.epoch);
    await registerStation(hub, { name: 'S5', journalId: 'j5', host: 'h', pid: 5 });
    const l = await leaseNextReel(hub, 'LOT-H', 'S5', 'pid 5 on h');
    expect(l).toMatchObject({ reel: r.reel, epoch: r.epoch + 1, startSeq: 3 });
  });

  it('a station name is bound to one journal: a second journal claiming it is refused', async () => {
    await expect(registerStation(hub, { name: 'S1', journalId: 'another-journal', host: 'h2', pid: 7 })).rejects.toMatchObject({ code: 'station-taken' });
  });
});
