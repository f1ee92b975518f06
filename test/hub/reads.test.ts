import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { freshDatabase, postgresAvailable } from './pg.js';
import { stationJournal } from './stations.js';

const up = await postgresAvailable('the hub read tests');
// Failures of several codes and a broken site, so that every grouping has something to show.
const SIM = { speed: 'unlimited', defectMultiplier: 30, contact: { base: 0.04, atRatedLife: 0.08 }, brokenSites: [5] };
const fast = { GANGFLASH_HUB_DRAIN_MS: '500', GANGFLASH_HUB_UPLOAD_MS: '50' };
// The image's path in a printed trace: each station's own place for the image (the hub knows its SHA-256).
const IMAGE_PATH = /(image sha256 \S+) \([^)]*\)/g;

describe.skipIf(!up)('read commands against the hub print what they print against the one station journal holding the same lot', () => {
  const dir = tmpDir('gangflash-hub-reads-');
  let url: string;
  let journal: string;
  beforeAll(async () => {
    url = await freshDatabase('reads');
    journal = await stationJournal(path.join(dir, 'A'), { reels: 2, quantity: 40, sim: SIM });
    expect(runCli(['hub', 'init', '--hub', url]).code).toBe(EXIT.ok);
    const pub = runCli(['--db', journal, 'hub', 'publish', '--lot', 'LOT-1', '--hub', url]);
    expect(pub.code, pub.stderr).toBe(EXIT.ok);
    const run = runCli(['--db', journal, 'run', '--lot', 'LOT-1', '--hub', url, '--station', 'A', '--json', '--speed', 'unlimited'], { env: fast });
    expect(run.code, run.stderr).toBe(EXIT.ok);
  }, 120_000);

  const both = (args: string[]) => {
    const local = runCli(['--db', journal, ...args]);
    const hub = runCli([...args, '--hub', url]);
    expect(local.code, local.stderr).toBe(EXIT.ok);
    expect(hub.code, hub.stderr).toBe(EXIT.ok);
    return { local: local.stdout, hub: hub.stdout };
  };

  it.each(['lot', 'chip', 'programmer', 'site', 'adapter', 'failure'])('stats yield --by %s', (by) => {
    const all = both(['stats', 'yield', '--by', by]);
    expect(all.hub).toBe(all.local);
    const lot = both(['stats', 'yield', '--by', by, '--lot', 'LOT-1', '--json']);
    expect(JSON.parse(lot.hub)).toEqual(JSON.parse(lot.local));
  });

  it('the yield shows failures and 80 devices, so the comparison is not of two empty reports', () => {
    const r = JSON.parse(runCli(['stats', 'yield', '--by', 'failure', '--hub', url, '--json']).stdout);
    expect(r.devices).toBe(80);
    expect(r.failures.length).toBeGreaterThan(1);
  });

  it('adapters inventory: the same adapters, places, insertions and wear', () => {
    const r = both(['adapters', 'inventory']);
    expect(r.hub).toBe(r.local);
    expect(r.hub).toMatch(/sim-1:0/);
    const j = JSON.parse(runCli(['adapters', 'inventory', '--hub', url, '--json']).stdout) as { adapters: { station: string; insertions: number }[] };
    expect(j.adapters).toHaveLength(16);
    expect(j.adapters.every((a) => a.station === 'A' && a.insertions > 0)).toBe(true);
  });

  // What the hub holds of a trace: all of the station's but the image's path (each station's own place for it, README
  // "Many stations"); the operator, gangflash version and field bytes travel with the uploads (hub schema 3).
  const common = (r: { query: unknown; devices: { attempts: Record<string, unknown>[]; serials: Record<string, unknown>[]; image: { sha256: string } }[] }) => ({
    query: r.query,
    devices: r.devices.map(({ attempts, serials, image, ...d }) => ({
      ...Object.fromEntries(['lot', 'reel', 'seq', 'dateCode', 'part', 'chip', 'result', 'failureCode', 'serial', 'finishedAt'].map((k) => [k, (d as Record<string, unknown>)[k]])),
      job: (d as { job: { name: string; version: number } }).job.name, image: image.sha256,
      serials: serials.map((v) => [v.rule, v.value, v.state, v.reason, v.attempt, v.fields]),
      attempts: attempts.map((a) => Object.fromEntries(['attempt', 'programmer', 'programmerSerial', 'site', 'adapter', 'adapterType', 'adapterInsertions', 'startedAt', 'endedAt', 'result', 'stage', 'failureCode', 'badBlocks', 'serial', 'operator', 'engineering', 'gangflashVersion'].map((k) => [k, a[k]]))),
    })),
  });

  it('trace --device and trace SERIAL: the device, its job, every insertion and every value it held, as on the station', () => {
    const db = openDb(journal, { create: false });
    const retried = db.prepare(`SELECT lot_id || ':' || reel_id || ':' || seq AS ref FROM attempts GROUP BY lot_id, reel_id, seq HAVING count(*) > 1 ORDER BY lot_id, reel_id, seq LIMIT 1`).get() as { ref: string };
    const sn = db.prepare(`SELECT serial FROM devices WHERE serial IS NOT NULL ORDER BY seq LIMIT 1`).get() as { serial: string };
    db.close();
    expect(retried).toBeDefined();
    for (const q of [['--device', retried.ref], [sn.serial]]) {
      const r = both(['trace', ...q, '--json']);
      const local = JSON.parse(r.local);
      const hub = JSON.parse(r.hub);
      expect(common(hub)).toEqual(common(local));
      expect(hub.devices[0]).toMatchObject({ station: 'A', late: false, conflict: false });
      const text = both(['trace', ...q]);
      expect(text.hub).toBe(text.local.replace(IMAGE_PATH, '$1'));
      expect(local.devices[0].attempts[0].operator).toBeTruthy();
      expect(local.devices[0].serials.some((v: { fields: unknown[] }) => v.fields.length > 0)).toBe(true);
    }
    const none = runCli(['trace', '--device', 'LOT-1:R1:9999', '--hub', url]);
    expect(none.code).toBe(EXIT.userError);
    expect(none.stderr).toMatch(/no device LOT-1:R1:9999 on the hub.*\[trace-not-found\]/);
  });

  it('stats yield --hub for a lot the hub does not have is a usage error naming the lots it has', () => {
    const r = runCli(['stats', 'yield', '--lot', 'NOPE', '--hub', url]);
    expect(r.code).toBe(EXIT.userError);
    expect(r.stderr).toMatch(/no lot "NOPE" on the hub \(lots: LOT-1\).*\[unknown-lot\]/);
  });
});

describe.skipIf(!up)('read commands against the hub cover every station', () => {
  const dir = tmpDir('gangflash-hub-reads2-');

  it("two stations, one reel each: the hub's yield, failures and site attempts are the sums of theirs", async () => {
    const url = await freshDatabase('reads2');
    const journals = { A: await stationJournal(path.join(dir, 'A'), { reels: 2, quantity: 24, serial: null, sim: SIM }), B: await stationJournal(path.join(dir, 'B'), { reels: 2, quantity: 24, serial: null, sim: SIM }) };
    expect(runCli(['hub', 'init', '--hub', url]).code).toBe(EXIT.ok);
    expect(runCli(['--db', journals.A, 'hub', 'publish', '--lot', 'LOT-1', '--hub', url]).code).toBe(EXIT.ok);
    for (const [s, reel] of [['A', 'R1'], ['B', 'R02']] as const) {
      const run = runCli(['--db', journals[s], 'run', '--lot', 'LOT-1', '--hub', url, '--station', s, '--reel', reel, '--json', '--speed', 'unlimited'], { env: fast });
      expect(run.code, run.stderr).toBe(EXIT.ok);
    }
    const yieldOf = (args: string[]) => JSON.parse(runCli(['stats', 'yield', '--json', ...args]).stdout) as { devices: number; passed: number; rows: { key: string; n: number }[]; failures: { attempts: number }[] };
    const [a, b, hub] = [yieldOf(['--db', journals.A]), yieldOf(['--db', journals.B]), yieldOf(['--hub', url])];
    expect(a.devices).toBeGreaterThan(0);
    expect(b.devices).toBeGreaterThan(0);
    expect(hub.devices).toBe(a.devices + b.devices);
    expect(hub.passed).toBe(a.passed + b.passed);
    const failed = (r: typeof a) => r.failures.reduce((n, f) => n + f.attempts, 0);
    expect(failed(hub)).toBe(failed(a) + failed(b));
    // Both journals' sim programmers carry the same serials (SIM-1, SIM-2), so the hub knows them as the same two.
    const sites = yieldOf(['--hub', url, '--by', 'site']).rows;
    expect(sites.reduce((n, r) => n + r.n, 0)).toBe(yieldOf(['--db', journals.A, '--by', 'site']).rows.reduce((n, r) => n + r.n, 0) + yieldOf(['--db', journals.B, '--by', 'site']).rows.reduce((n, r) => n + r.n, 0));
  }, 120_000);
});
