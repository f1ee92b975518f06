import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { openHub, type Hub } from '../../src/hub/connection.js';
import { leaseReel } from '../../src/hub/store/reels.js';
import { adapterInventory, registerStation } from '../../src/hub/store/stations.js';
import { lotTotals } from '../../src/hub/store/totals.js';
import { HubJournalStore } from '../../src/store/hub-journal.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { freshDatabase, postgresAvailable } from './pg.js';
import { stationJournal } from './stations.js';

const up = await postgresAvailable('the station tests');
const NOWHERE = 'postgres://postgres@127.0.0.1:1/gangflash_hub';
const fast = { GANGFLASH_HUB_DRAIN_MS: '500', GANGFLASH_HUB_UPLOAD_MS: '50' };

describe.skipIf(!up)('a station of a hub: refusals at start, and programming through an outage it started in', () => {
  const dir = tmpDir('gangflash-station-');
  let url: string;
  let hub: Hub;
  let a: string;
  beforeAll(async () => {
    url = await freshDatabase('station');
    a = await stationJournal(path.join(dir, 'A'), { reels: 1, quantity: 20, serial: null });
    expect(runCli(['hub', 'init', '--hub', url]).code).toBe(EXIT.ok);
    const pub = runCli(['--db', a, 'hub', 'publish', '--lot', 'LOT-1', '--hub', url]);
    expect(pub.code, pub.stderr).toBe(EXIT.ok);
    hub = openHub(url);
  });
  afterAll(async () => hub?.close());

  const devices = (dbFile: string) => {
    const db = openDb(dbFile, { create: false });
    try {
      return db.prepare('SELECT count(*) AS n FROM devices').get() as { n: number };
    } finally {
      db.close();
    }
  };

  it('a station that cannot reach the hub and holds no reel of the lot exits 8 and programs nothing', () => {
    const r = runCli(['--db', a, 'run', '--lot', 'LOT-1', '--hub', NOWHERE, '--station', 'A', '--json', '--speed', 'unlimited'], { env: fast });
    expect(r.code, r.stderr).toBe(EXIT.hubOffline);
    expect(r.stderr).toMatch(/cannot be reached .*\[hub-unreachable\]/);
    expect(devices(a).n).toBe(0);
  });

  it('a station whose job pins another image than the released job on the hub is refused before any device', async () => {
    const b = await stationJournal(path.join(dir, 'B'), { reels: 1, quantity: 20, serial: null, imageBytes: 32 << 10 });
    const r = runCli(['--db', b, 'run', '--lot', 'LOT-1', '--hub', url, '--station', 'B', '--json', '--speed', 'unlimited'], { env: fast });
    expect(r.code).toBe(EXIT.userError);
    expect(r.stderr).toMatch(/pins image SHA-256 .* this station's job pins .*\[hub-image-differs\]/);
    expect(devices(b).n).toBe(0);
  });

  it('a station holding a reel programs it with the hub unreachable (exit 9, its records waiting), and its next run uploads them', async () => {
    // The station took reel R1 from the hub earlier (as a run does), then lost the network.
    const db = openDb(a, { create: false });
    const journal = new HubJournalStore(db);
    const { journalId } = journal.link();
    await registerStation(hub, { name: 'A', journalId, host: os.hostname(), pid: process.pid });
    const lease = await leaseReel(hub, 'LOT-1', 'R1', 'A', 'test');
    journal.markHubLot('LOT-1');
    journal.putReel(lease);
    db.close();

    const offline = runCli(['--db', a, 'run', '--lot', 'LOT-1', '--hub', NOWHERE, '--station', 'A', '--json', '--speed', 'unlimited'], { env: fast });
    expect(offline.code, offline.stderr).toBe(EXIT.outOfWork);
    const events = offline.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.find((e) => e.type === 'hub')).toMatchObject({ online: false });
    expect(events.find((e) => e.type === 'lot-done')).toMatchObject({ end: 'out-of-work', passed: expect.any(Number) });
    expect(offline.stderr).toMatch(/record\(s\) wait in this station's journal/);
    expect(devices(a).n).toBe(20);
    expect((await lotTotals(hub, 'LOT-1'))!.total.devices).toBe(0);

    const back = runCli(['--db', a, 'run', '--lot', 'LOT-1', '--hub', url, '--station', 'A', '--json', '--speed', 'unlimited'], { env: fast });
    expect(back.code, back.stderr).toBe(EXIT.ok);
    const t = (await lotTotals(hub, 'LOT-1'))!;
    expect(t.total.devices).toBe(20);
    expect(t.reels).toMatchObject({ total: 1, done: 1 });
    expect(devices(a).n).toBe(20);
    // The hub's adapter inventory knows where this station's adapters are, and counted their insertions.
    const inventory = await adapterInventory(hub);
    expect(inventory).toHaveLength(16);
    expect(inventory.every((x) => x.station === 'A' && x.programmer !== null)).toBe(true);
    expect(inventory.reduce((n, x) => n + x.insertions, 0)).toBe(t.total.attempts);
    // Its reels are the hub's: a run of the lot without the hub is refused, never a second numbering of them.
    const local = runCli(['--db', a, 'run', '--lot', 'LOT-1', '--json', '--speed', 'unlimited']);
    expect(local.code).toBe(EXIT.userError);
    expect(local.stderr).toMatch(/runs through a hub on this station .*\[hub-lot\]/);
  });
});
