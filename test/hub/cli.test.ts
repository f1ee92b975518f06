import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHub, type Hub } from '../../src/hub/connection.js';
import { loadHubMigrations } from '../../src/hub/migrations.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { leaseNextReel } from '../../src/hub/store/reels.js';
import { runCli } from '../helpers/cli.js';
import { freshDatabase, postgresAvailable } from './pg.js';
import { hubWithLot } from './fixture.js';

const up = await postgresAvailable('the hub command tests');

describe.skipIf(!up)('hub commands: init, reel move, lot show --hub', () => {
  let url: string;
  let hub: Hub;
  beforeAll(async () => {
    url = await freshDatabase('cli');
  });
  afterAll(async () => hub?.close());

  it('hub init creates the schema and loads the catalog snapshot; run again it reports the schema up to date', () => {
    const first = runCli(['hub', 'init', '--hub', url, '--json']);
    expect(first.code, first.stderr).toBe(EXIT.ok);
    const r = JSON.parse(first.stdout);
    expect(r.schema).toEqual({ from: 0, to: loadHubMigrations().length });
    expect(r.catalog.chips).toBeGreaterThan(0);
    const again = runCli(['hub', 'init'], { env: { GANGFLASH_HUB: url } });
    expect(again.code, again.stderr).toBe(EXIT.ok);
    expect(again.stdout).toMatch(/schema \d+ \(up to date\); catalog snapshot: \d+ chip\(s\)/);
  });

  it('a hub that cannot be reached is one line and exit 8, without a stack trace; no hub given is a usage error', () => {
    const r = runCli(['hub', 'init', '--hub', 'postgres://postgres@127.0.0.1:1/x']);
    expect(r.code).toBe(EXIT.hubOffline);
    expect(r.stderr).toMatch(/^gangflash: the hub postgres:\/\/postgres@127\.0\.0\.1:1\/x cannot be reached .* \[hub-unreachable\]\n$/);
    const none = runCli(['hub', 'init'], { env: { GANGFLASH_HUB: '' } });
    expect(none.code).toBe(EXIT.userError);
    expect(none.stderr).toMatch(/no hub given: pass --hub/);
  });

  it('reel move fences the old holder and lot show --hub shows the lot across stations', async () => {
    hub = await hubWithLot(url, { reels: 3, quantity: 5, stations: ['S1', 'S2'] });
    const held = (await leaseNextReel(hub, 'LOT-H', 'S1', 'pid 1 on h'))!;
    const moved = runCli(['reel', 'move', held.reel, '--to', 'S2', '--by', 'ann', '--hub', url]);
    expect(moved.code, moved.stderr).toBe(EXIT.ok);
    expect(moved.stdout).toMatch(new RegExp(`reel ${held.reel} of lot LOT-H moved from S1 \\(epoch 1\\) to S2 \\(epoch 2\\); S2 continues at seq 1`));
    const show = runCli(['lot', 'show', 'LOT-H', '--hub', url, '--json']);
    expect(show.code, show.stderr).toBe(EXIT.ok);
    const j = JSON.parse(show.stdout);
    expect(j).toMatchObject({ lot: 'LOT-H', job: 'JOB@1', status: 'running', planned: 15, passed: 0, remaining: 15 });
    expect(j.reelList.find((r: { reel: string }) => r.reel === held.reel)).toMatchObject({ station: 'S2', epoch: 2, state: 'held' });
    const text = runCli(['lot', 'show', 'LOT-H', '--hub', url]);
    expect(text.stdout).toMatch(/LOT-H\s+JOB@1\s+CHIP-X\s+running\s+15\s+0\s+0\s+15/);
    const unknown = runCli(['reel', 'move', 'RE-99', '--to', 'S2', '--hub', url]);
    expect(unknown.code).toBe(EXIT.userError);
    expect(unknown.stderr).toMatch(/no lot on the hub has a reel RE-99/);
  });
});
