import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { freshDatabase, postgresAvailable } from './pg.js';
import { stationJournal } from './stations.js';

const up = await postgresAvailable('the hub read tests');
// Failures of several codes and a broken site, so that every grouping has something to show.
const SIM = { speed: 'unlimited', defectMultiplier: 30, contact: { base: 0.04, atRatedLife: 0.08 }, brokenSites: [5] };
const fast = { GANGFLASH_HUB_DRAIN_MS: '500', GANGFLASH_HUB_UPLOAD_MS: '50' };

describe.skipIf(!up)('read commands against the hub print what they print against the one station journal holding the same lot', () => {
  const dir = tmpDir('gangflash-hub-reads-');
  let url: string;
  let journal: string;
  beforeAll(async () => {
    url = await freshDatabase('reads');
    journal = await stationJournal(path.join(dir, 'A'), { reels: 2, quantity: 40, serial: null, sim: SIM });
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

  it('stats yield --hub for a lot the hub does not have is a usage error naming the lots it has', () => {
    const r = runCli(['stats', 'yield', '--lot', 'NOPE', '--hub', url]);
    expect(r.code).toBe(EXIT.userError);
    expect(r.stderr).toMatch(/no lot "NOPE" on the hub \(lots: LOT-1\).*\[unknown-lot\]/);
  });
});
