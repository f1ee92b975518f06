import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../src/hub/connection.js';
import { leaseNextReel, moveReel, reelsOfLot, type ReelLease } from '../../src/hub/store/reels.js';
import { uploadBatch } from '../../src/hub/store/uploads.js';
import type { UploadBatch, UploadedAttempt, UploadedDevice } from '../../src/records/station-wire.js';
import { lotTotals } from '../../src/hub/store/totals.js';
import { lotEvents } from '../../src/hub/store/events.js';
import { putAdapter, adapterInventory } from '../../src/hub/store/stations.js';
import { freshDatabase, postgresAvailable } from './pg.js';
import { hubWithLot } from './fixture.js';

const up = await postgresAvailable('the hub upload tests');

/** A station's records of devices `seqs` of a leased reel: every device fails its first insertion when seq % 5 = 0. */
function recordsOf(station: string, lease: ReelLease, seqs: number[], epoch = lease.epoch): UploadBatch {
  const attempts: UploadedAttempt[] = [];
  const devices: UploadedDevice[] = [];
  for (const seq of seqs) {
    const retry = seq % 5 === 0;
    const base = { lot: lease.lot, reel: lease.reel, seq, programmer: `${station}-P1`, site: seq % 8, adapter: 'AD-1', startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:00:01.000Z', badBlocks: 0, serial: null, epoch };
    if (retry) attempts.push({ ...base, id: crypto.randomUUID(), attempt: 1, result: 'fail', failureCode: 'verify-mismatch', stage: 'verify' });
    attempts.push({ ...base, id: crypto.randomUUID(), attempt: retry ? 2 : 1, result: 'pass', failureCode: null, stage: null });
    devices.push({ lot: lease.lot, reel: lease.reel, seq, result: 'pass', failureCode: null, serial: null, finishedAt: '2026-01-01T00:00:01.000Z', epoch });
  }
  return { station, attempts, devices, ledger: [] };
}

describe.skipIf(!up)('uploads: idempotent batches, lot totals across stations, late writes of a fenced holder', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await hubWithLot(await freshDatabase('uploads'), { reels: 4, quantity: 20, stations: ['S1', 'S2'] });
    await putAdapter(hub, { serial: 'AD-1', adapterType: 'AT-1', station: 'S1', programmer: 'S1-P1', site: 0, status: 'ok' });
  });
  afterAll(async () => hub?.close());

  it('a batch sent twice (its answer lost) is recorded once; lot totals are the sum over stations', async () => {
    const a = (await leaseNextReel(hub, 'LOT-H', 'S1', 'p'))!;
    const b = (await leaseNextReel(hub, 'LOT-H', 'S2', 'p'))!;
    const batchA = recordsOf('S1', a, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const first = await uploadBatch(hub, batchA);
    expect(first.attempts).toEqual({ added: 12, known: 0, late: 0 });
    expect(first.devices).toMatchObject({ added: 10, known: 0 });
    const again = await uploadBatch(hub, batchA);
    expect(again.attempts).toEqual({ added: 0, known: 12, late: 0 });
    expect(again.devices).toMatchObject({ added: 0, known: 10 });
    await uploadBatch(hub, recordsOf('S2', b, [1, 2, 3, 4, 5]));
    const t = (await lotTotals(hub, 'LOT-H'))!;
    expect(t.stations.map((s) => [s.station, s.devices, s.attempts, s.passedAttempts])).toEqual([['S1', 10, 12, 10], ['S2', 5, 6, 5]]);
    expect(t.total).toMatchObject({ devices: 15, passed: 15, attempts: 18, late: 0, conflicts: 0 });
    expect(t.reels).toMatchObject({ total: 4, held: 2, free: 2, quantity: 80 });
    const ad = (await adapterInventory(hub)).find((x) => x.serial === 'AD-1')!;
    expect(ad.insertions).toBe(18);
    const reel = (await reelsOfLot(hub, 'LOT-H')).find((r) => r.reel === a.reel)!;
    expect(reel).toMatchObject({ recorded: 10, lastSeq: 10 });
  });

  it('devices a fenced holder uploads after its reel was moved are accepted as late and reported; a (reel, seq) both recorded is kept apart, counted once each, never merged', async () => {
    const reel = (await reelsOfLot(hub, 'LOT-H')).find((r) => r.station === 'S1')!;
    const old: ReelLease = { lot: 'LOT-H', reel: reel.reel, part: 'CHIP-X', dateCode: '2631', quantity: 20, epoch: reel.epoch, startSeq: 1 };
    // S1 programmed 11..14 offline; the hub knew 1..10 when the operator moved the reel to S2.
    const moved = await moveReel(hub, 'LOT-H', reel.reel, 'S2', 'operator');
    expect(moved.startSeq).toBe(11);
    // S2 records 11 and 12 first; then S1's backlog arrives under the old epoch.
    await uploadBatch(hub, recordsOf('S2', moved, [11, 12]));
    const late = await uploadBatch(hub, recordsOf('S1', old, [11, 12, 13, 14]));
    expect(late.devices).toEqual({ added: 4, known: 0, late: 4, conflicts: 2 });
    expect(late.attempts.late).toBe(4);
    // S2 reaches 13 after S1's late 13 was recorded: the current holder's device takes the row, the late one is kept apart.
    const cur = await uploadBatch(hub, recordsOf('S2', moved, [13]));
    expect(cur.devices).toMatchObject({ added: 1, conflicts: 0 });
    // Retrying either batch changes nothing.
    expect((await uploadBatch(hub, recordsOf('S1', old, [11, 12, 13, 14]))).devices).toMatchObject({ added: 0, known: 4 });
    const t = (await lotTotals(hub, 'LOT-H'))!;
    const s1 = t.stations.find((s) => s.station === 'S1')!;
    expect(s1).toMatchObject({ devices: 14, late: 4, conflicts: 3 });
    expect(t.total.devices).toBe(10 + 4 + 5 + 3);
    const rows = (await hub.pool.query(`SELECT seq, station, late FROM devices WHERE reel_id = $1 AND seq > 10 ORDER BY seq`, [reel.reel])).rows;
    expect(rows).toEqual([
      { seq: 11, station: 'S2', late: false },
      { seq: 12, station: 'S2', late: false },
      { seq: 13, station: 'S2', late: false },
      { seq: 14, station: 'S1', late: true },
    ]);
    const kept = (await hub.pool.query(`SELECT seq, station FROM device_conflicts ORDER BY seq`)).rows;
    expect(kept).toEqual([{ seq: 11, station: 'S1' }, { seq: 12, station: 'S1' }, { seq: 13, station: 'S1' }]);
    expect((await lotEvents(hub, 'LOT-H')).find((e) => e.code === 'late-upload')?.message).toMatch(/uploaded 4 device\(s\) of reel .* under a fenced epoch/);
  });

  it('a batch claiming an epoch the hub never gave, or a reel it does not have, is refused whole', async () => {
    const reel = (await reelsOfLot(hub, 'LOT-H')).find((r) => r.station === 'S2')!;
    const bad = recordsOf('S2', { lot: 'LOT-H', reel: reel.reel, part: 'CHIP-X', dateCode: '2631', quantity: 20, epoch: reel.epoch + 5, startSeq: 1 }, [19]);
    await expect(uploadBatch(hub, bad)).rejects.toMatchObject({ code: 'upload-bad-epoch' });
    const ghost = recordsOf('S2', { lot: 'LOT-H', reel: 'RE-77', part: 'CHIP-X', dateCode: '2631', quantity: 20, epoch: 1, startSeq: 1 }, [1]);
    await expect(uploadBatch(hub, ghost)).rejects.toMatchObject({ code: 'upload-unknown-reel' });
    const n = (await hub.pool.query(`SELECT count(*)::int AS n FROM devices WHERE seq = 19 OR reel_id = 'RE-77'`)).rows[0].n;
    expect(n).toBe(0);
  });
});
