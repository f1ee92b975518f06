import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHub, type Hub } from '../../src/hub/connection.js';
import { moveReel, reelsOfLot } from '../../src/hub/store/reels.js';
import { lotTotals } from '../../src/hub/store/totals.js';
import { LotService } from '../../src/scheduler/lot-service.js';
import type { RunEvent } from '../../src/scheduler/events.js';
import { StationSupply } from '../../src/station/run-supply.js';
import { StationLink } from '../../src/station/station-link.js';
import { jobOfLot } from '../../src/hub/store/production.js';
import { openDb } from '../../src/db/open.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { freshDatabase, postgresAvailable } from './pg.js';
import { stationJournal } from './stations.js';

/** Resolves once `check` is true (polled every 5 ms). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
}

const up = await postgresAvailable('the reel move gap tests');
const QUANTITY = 64;

/** Runs a station in this process; `stopAfter` device results stops it (as Ctrl-C: after the cycle in flight). */
async function runStation(dbFile: string, url: string, station: string, stopAfter?: number) {
  const events: RunEvent[] = [];
  const supply = new StationSupply({ hubUrl: url, station, drainMs: 5000, uploadEveryMs: 20, heartbeatMs: 100 }, 'LOT-1');
  const service = await LotService.open({ dbFile, lot: 'LOT-1', supply: supply.connect, siteFailLimit: 1000, log: () => undefined });
  let results = 0;
  try {
    const r = await service.run({
      listener: (e) => {
        events.push(e);
        if (e.type === 'device-result' && ++results === stopAfter) service.stop();
      },
    });
    return { ...r, results, events, link: supply.link!, unconfirmed: supply.link!.unconfirmed() };
  } finally {
    service.close();
  }
}

describe.skipIf(!up)('a reel moved away from a station that left devices unfinished, and a batch the hub refuses', () => {
  const dir = tmpDir('gangflash-gaps-');
  let url: string;
  let hub: Hub;
  let a: string;
  let b: string;
  beforeAll(async () => {
    url = await freshDatabase('gaps');
    // Site 0 of every programmer of A fails every device (bad contact): after each wave a retry is pending.
    a = await stationJournal(path.join(dir, 'A'), { reels: 1, quantity: QUANTITY, serial: null, sim: { brokenSites: [0] } });
    b = await stationJournal(path.join(dir, 'B'), { reels: 1, quantity: QUANTITY, serial: null });
    expect(runCli(['hub', 'init', '--hub', url]).code).toBe(EXIT.ok);
    const pub = runCli(['--db', a, 'hub', 'publish', '--lot', 'LOT-1', '--hub', url]);
    expect(pub.code, pub.stderr).toBe(EXIT.ok);
    hub = openHub(url);
  });
  afterAll(async () => hub?.close());

  it('the new holder also programs the devices the old holder left unfinished: the hub has every seq once and marks the reel done only then', async () => {
    const stopped = await runStation(a, url, 'A', 20);
    expect(stopped.end).toBe('interrupted');
    const q = async (sql: string) => (await hub.pool.query(sql)).rows;
    // A stopped with a device whose first attempt failed and whose retry never ran: the hub has a gap below its last seq.
    const [gap] = await q(`SELECT max(seq)::int AS last, count(*)::int AS n FROM devices WHERE reel_id = 'R1'`);
    expect(gap.n).toBeLessThan(gap.last);
    const registered = await runStation(b, url, 'B');
    expect(registered.results).toBe(0);
    const moved = await moveReel(hub, 'LOT-1', 'R1', 'B', 'test');
    expect(moved.startSeq).toBe(gap.last + 1);
    const rest = await runStation(b, url, 'B');
    expect(rest).toMatchObject({ end: 'out-of-work', link: { outOfWork: 'no-reels' } });
    expect(rest.unconfirmed).toBe(0);
    const left = rest.events.find((e) => e.type === 'alarm' && e.code === 'reel-devices-left');
    expect(left && 'message' in left ? left.message : '').toMatch(new RegExp(`the hub has no device for ${gap.last - gap.n} seq\\(s\\) of reel R1`));
    const [d] = await q(`SELECT count(*)::int AS n, count(DISTINCT seq)::int AS distinct, min(seq) AS lo, max(seq) AS hi FROM devices WHERE reel_id = 'R1'`);
    expect(d).toEqual({ n: QUANTITY, distinct: QUANTITY, lo: 1, hi: QUANTITY });
    expect((await q(`SELECT count(*)::int AS n FROM device_conflicts`))[0].n).toBe(0);
    expect((await reelsOfLot(hub, 'LOT-1'))[0]).toMatchObject({ state: 'done', station: 'B' });
    // Each journal has what the hub says it uploaded, and nothing waits.
    const journal = (f: string) => {
      const db = new Database(f, { readonly: true });
      try {
        return { devices: db.prepare(`SELECT count(*) FROM devices`).pluck().get(), waiting: db.prepare('SELECT count(*) FROM hub_outbox').pluck().get() };
      } finally {
        db.close();
      }
    };
    const totals = (await lotTotals(hub, 'LOT-1'))!.stations;
    for (const [s, f] of [['A', a], ['B', b]]) expect(journal(f)).toEqual({ devices: totals.find((t) => t.station === s)?.devices, waiting: 0 });
  });

  it('a batch the hub refuses is alarmed once however often it is retried, and its records stay waiting', async () => {
    // A's journal claims an epoch the hub never gave for the records it has still to send: the hub refuses the batch.
    const db = new Database(a);
    db.prepare(`INSERT INTO hub_outbox (kind, ref, epoch) SELECT 'device', id, 99 FROM devices WHERE reel_id = 'R1' LIMIT 3`).run();
    db.close();
    const journal = openDb(a, { create: false });
    const alarms: string[] = [];
    try {
      const job = (await jobOfLot(hub, 'LOT-1'))!;
      const listener = (e: RunEvent) => void (e.type === 'alarm' && e.code === 'hub-upload-refused' && alarms.push(e.message));
      const link = await StationLink.connect(journal, { hubUrl: url, station: 'A', lot: 'LOT-1', uploadEveryMs: 5, maxBackoffMs: 10, drainMs: 0 }, { imageSha256: job.sha256, programmers: [], adapters: [], serial: null, listener });
      await until(() => link.refusals >= 5);
      expect(await link.close()).toEqual({ waiting: 3 });
      // What `run --hub` says of the backlog left: refused, not "hub unreachable".
      expect(link.lastFailure).toBe('refused');
    } finally {
      journal.close();
    }
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatch(/under epoch 99, which the hub never gave/);
  });

  it('a device the hub lost although this station uploaded it is sent again before the hub marks its reel done', async () => {
    // Fault injection: the hub loses one of B's devices of R1 and takes the reel back to held; B's journal had not heard
    // that the reel was done yet.
    const [lost] = (await hub.pool.query(`DELETE FROM devices WHERE reel_id = 'R1' AND station = 'B' AND seq = (SELECT max(seq) FROM devices WHERE reel_id = 'R1') RETURNING seq`)).rows;
    await hub.pool.query(`UPDATE reels SET state = 'held' WHERE reel_id = 'R1'`);
    const db = new Database(b);
    db.prepare(`UPDATE hub_reels SET reported = 0 WHERE reel_id = 'R1'`).run();
    db.close();
    const again = await runStation(b, url, 'B');
    expect(again).toMatchObject({ results: 0, end: 'out-of-work', unconfirmed: 0, link: { outOfWork: 'no-reels' } });
    const resent = again.events.find((e) => e.type === 'alarm' && e.code === 'hub-records-resent');
    expect(resent && 'message' in resent ? resent.message : '').toMatch(new RegExp(`no device for 1 seq\\(s\\) of reel R1 that this station recorded \\(${lost.seq}\\): 1 queued`));
    const [d] = (await hub.pool.query(`SELECT count(*)::int AS n, count(DISTINCT seq)::int AS distinct FROM devices WHERE reel_id = 'R1'`)).rows;
    expect(d).toEqual({ n: QUANTITY, distinct: QUANTITY });
    expect((await reelsOfLot(hub, 'LOT-1'))[0]).toMatchObject({ state: 'done', station: 'B' });
  });
});
