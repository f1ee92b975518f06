import crypto from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHub, type Hub } from '../../src/hub/connection.js';
import { addLot, jobOfLot } from '../../src/hub/store/production.js';
import { leaseNextReel, type ReelLease } from '../../src/hub/store/reels.js';
import { registerStation } from '../../src/hub/store/stations.js';
import { uploadBatch } from '../../src/hub/store/uploads.js';
import type { UploadBatch } from '../../src/records/station-wire.js';
import { HubLiveFeed } from '../../src/serve/hub-live.js';
import type { HubListener } from '../../src/hub/connection.js';
import type { LiveMessage } from '../../src/serve/live.js';
import { startDashboard, type Dashboard } from '../../src/serve/server.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { freshDatabase, postgresAvailable } from './pg.js';
import { stationJournal } from './stations.js';

const up = await postgresAvailable('the hub dashboard tests');
const SIM = { speed: 'unlimited', defectMultiplier: 30, contact: { base: 0.04, atRatedLife: 0.08 }, brokenSites: [5] };
const fast = { GANGFLASH_HUB_DRAIN_MS: '500', GANGFLASH_HUB_UPLOAD_MS: '50' };
// An hour between polls: within a test only a NOTIFY can bring the hub dashboard's poll forward.
const HOUR_MS = 3_600_000;

async function getJson(url: string): Promise<{ status: number; body: any }> {
  const r = await fetch(url);
  return { status: r.status, body: await r.json() };
}

/** Resolves once `cond` holds, checking every 50 ms; rejects naming `what` after `ms`. */
async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The dashboard's /api/live stream as parsed messages, and how to end it. */
function liveStream(url: string): { messages: LiveMessage[]; close: () => void } {
  const messages: LiveMessage[] = [];
  let buf = '';
  const req = http.get(`${url}api/live`, (res) => {
    res.setEncoding('utf8').on('data', (chunk: string) => {
      buf += chunk;
      for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const event = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (event && data) messages.push({ event: event as LiveMessage['event'], data: JSON.parse(data) });
      }
    });
  });
  req.on('error', () => {});
  return { messages, close: () => req.destroy() };
}

/** Station `station`'s records of devices `seqs` of a leased reel, each passing at its first insertion on SIM-1. */
function recordsOf(station: string, lease: ReelLease, seqs: number[]): UploadBatch {
  const at = new Date().toISOString();
  return {
    station,
    attempts: seqs.map((seq) => ({ id: crypto.randomUUID(), lot: lease.lot, reel: lease.reel, seq, attempt: 1, programmer: 'SIM-1', site: 0, adapter: null, startedAt: at, endedAt: at, result: 'pass' as const, failureCode: null, stage: null, badBlocks: 0, serial: null, epoch: lease.epoch })),
    devices: seqs.map((seq) => ({ lot: lease.lot, reel: lease.reel, seq, result: 'pass' as const, failureCode: null, serial: null, finishedAt: at, epoch: lease.epoch })),
    ledger: [],
  };
}

describe.skipIf(!up)('serve --hub: the dashboard over every station on the hub', () => {
  const dir = tmpDir('gangflash-hub-serve-');
  let url: string;
  let journal: string;
  let hub: Hub;
  let local: Dashboard;
  let onHub: Dashboard;
  let lease: ReelLease;
  beforeAll(async () => {
    url = await freshDatabase('serve');
    journal = await stationJournal(path.join(dir, 'A'), { reels: 2, quantity: 24, serial: null, sim: SIM });
    expect(runCli(['hub', 'init', '--hub', url]).code).toBe(EXIT.ok);
    expect(runCli(['--db', journal, 'hub', 'publish', '--lot', 'LOT-1', '--hub', url]).code).toBe(EXIT.ok);
    const run = runCli(['--db', journal, 'run', '--lot', 'LOT-1', '--hub', url, '--station', 'A', '--json', '--speed', 'unlimited'], { env: fast });
    expect(run.code, run.stderr).toBe(EXIT.ok);
    // A second lot of the same job that station B works on while the dashboards watch.
    hub = openHub(url);
    const job = (await jobOfLot(hub, 'LOT-1'))!;
    await addLot(hub, 'LOT-2', { name: job.name, version: job.version }, [{ reelId: 'R1', part: job.chip, quantity: 50, dateCode: '2650' }]);
    await registerStation(hub, { name: 'B', journalId: 'journal-of-B', host: 'test-host', pid: 1 });
    lease = (await leaseNextReel(hub, 'LOT-2', 'B', 'test'))!;
    local = await startDashboard({ dbFile: journal, port: 0 });
    onHub = await startDashboard({ dbFile: journal, port: 0, hubUrl: url, pollMs: HOUR_MS });
  }, 120_000);
  afterAll(async () => {
    await onHub?.close();
    await local?.close();
    await hub?.close();
  });

  it("/api/farm, /api/lots, /api/lots/:id and /api/adapters answer what the station's own dashboard answers for its lot", async () => {
    const [lf, hf] = [(await getJson(`${local.url}api/farm`)).body, (await getJson(`${onHub.url}api/farm`)).body];
    const strip = (ps: { id: number; station?: string; serial?: string }[]) => ps.map(({ id: _id, station: _s, serial: _serial, ...p }) => p);
    expect(strip(hf.programmers)).toEqual(strip(lf.programmers));
    expect(hf.programmers.map((p: { station: string }) => p.station)).toEqual(['A', 'A']);
    // Not two empty farms: sites with adapters, last insertions, yields, and the broken site the station disabled.
    const sites = lf.programmers.flatMap((p: { sites: unknown[] }) => p.sites);
    expect(sites.length).toBe(16);
    expect(sites.every((s: { adapter: unknown; last: unknown; yield: unknown }) => s.adapter && s.last && s.yield)).toBe(true);
    expect(sites.some((s: { enabled: boolean }) => !s.enabled)).toBe(true);
    const lots = (await getJson(`${onHub.url}api/lots`)).body.lots;
    expect(lots.find((l: { lot: string }) => l.lot === 'LOT-1')).toEqual((await getJson(`${local.url}api/lots`)).body.lots[0]);
    expect((await getJson(`${onHub.url}api/lots/LOT-1`)).body).toEqual((await getJson(`${local.url}api/lots/LOT-1`)).body);
    expect((await getJson(`${onHub.url}api/adapters`)).body).toEqual((await getJson(`${local.url}api/adapters`)).body);
    const missing = await getJson(`${onHub.url}api/lots/NOPE`);
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('unknown-lot');
    expect((await getJson(`${onHub.url}api/mes`)).body).toEqual({ config: null });
    const events = await getJson(`${onHub.url}api/events`);
    expect(events.status).toBe(200);
    expect(Array.isArray(events.body.events)).toBe(true);
  });

  it("live: an upload's NOTIFY brings the hub's poll forward at once (the next timed poll is an hour away), also after the LISTEN connection was dropped", async () => {
    const feed = onHub.live as HubLiveFeed;
    const stream = liveStream(onHub.url);
    try {
      await until('the LISTEN connection', () => (feed.listening?.connections ?? 0) >= 1);
      // The feed's first poll marks the present; let it finish before the first upload.
      await feed.poll();
      await uploadBatch(hub, recordsOf('B', lease, [1, 2, 3]));
      await until('three attempts of station B', () => stream.messages.filter((m) => m.event === 'attempt').length >= 3);
      const attempts = stream.messages.filter((m) => m.event === 'attempt').map((m) => m.data as { station: string; lot: string; seq: number; programmer: string });
      expect(attempts.map((a) => [a.station, a.lot, a.seq, a.programmer])).toEqual([['B', 'LOT-2', 1, 'sim-1'], ['B', 'LOT-2', 2, 'sim-1'], ['B', 'LOT-2', 3, 'sim-1']]);
      await until('the lot counters', () => stream.messages.some((m) => m.event === 'lot'));
      expect(stream.messages.find((m) => m.event === 'lot')!.data).toMatchObject({ lot: 'LOT-2', status: 'running', planned: 50, passed: 3, failed: 0 });

      // An administrator ends the listening session: the feed connects again, and the next upload is pushed as soon.
      const listener = feed.listening as HubListener;
      await hub.pool.query('SELECT pg_terminate_backend($1)', [listener.pid]);
      await until('the LISTEN connection again', () => listener.connections >= 2);
      await uploadBatch(hub, recordsOf('B', lease, [4]));
      await until('the attempt after the reconnect', () => stream.messages.some((m) => m.event === 'attempt' && (m.data as { seq: number }).seq === 4));
      expect(stream.messages.filter((m) => m.event === 'attempt')).toHaveLength(4);
    } finally {
      stream.close();
    }
  });

  it('live without any notification: the poll alone finds every upload, each sent once', async () => {
    const feed = new HubLiveFeed(hub, { pollMs: 50, listen: false });
    const got: LiveMessage[] = [];
    const stop = feed.subscribe((m) => got.push(m));
    try {
      await feed.poll();
      await uploadBatch(hub, recordsOf('B', lease, [5, 6]));
      await until('two attempts by polling', () => got.filter((m) => m.event === 'attempt').length >= 2);
      for (let i = 0; i < 3; i++) await feed.poll();
      expect(got.filter((m) => m.event === 'attempt').map((m) => (m.data as { seq: number }).seq)).toEqual([5, 6]);
    } finally {
      stop();
    }
  });
});
