import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { lotFixture, lotRows } from '../helpers/lot-fixture.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { events, spawnCli, until } from '../reliability/spawn-cli.js';

const dir = tmpDir('gangflash-stop-rules-');

describe('stop rules count the lot, and an operator’s repair starts a site afresh', () => {
  it('a resumed lot already below its yield limit stops after at most one wave, not after another --stop-yield-after devices', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'yield'), devices: 200, sim: { defectMultiplier: 150, linkLostRate: 0, wrongChipRate: 0 } });
    const args = ['--db', dbFile, 'run', '--lot', 'LOT-1', '--speed', 'unlimited', '--stop-yield', '0.95', '--stop-yield-after', '20', '--site-fail-limit', '1000'];
    expect(runCli(args).code).toBe(EXIT.yieldStop);
    const before = lotRows(dbFile).devices;
    expect(runCli(args).code).toBe(EXIT.yieldStop);
    // 2 programmers × 4 sites: one wave at most, never 20 more devices.
    expect(lotRows(dbFile).devices - before).toBeLessThanOrEqual(8);
  });

  it('a site enabled again after a repair is disabled only after the full streak of failures again, not after one', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'streak'), devices: 60, simPer: { 1: { brokenSites: [1] } }, sim: { wrongChipRate: 0, linkLostRate: 0 } });
    const run = () => runCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--speed', 'unlimited', '--json']);
    const first = run();
    expect(first.stdout).toContain('"code":"site-disabled"');
    const db = openDb(dbFile, { create: false });
    const firstStreak = db.prepare("SELECT count(*) FROM attempts a JOIN programmers p ON p.id = a.programmer_id WHERE p.name = 'sim-1' AND a.site = 1").pluck().get() as number;
    db.close();
    expect(firstStreak).toBe(3);
    // More devices for the lot, the operator checks the socket (it is still broken in the sim) and enables it.
    const csv = path.join(dir, 'more.csv');
    (await import('node:fs')).writeFileSync(csv, 'lot,reel,part,quantity,date_code,job\nLOT-1,R2,KLM8G1GETF-B041,40,2447,job\n');
    expect(runCli(['--db', dbFile, 'lot', 'import', csv]).code).toBe(0);
    expect(runCli(['--db', dbFile, 'sites', 'enable', 'sim-1:1', '--by', 'tech']).code).toBe(0);
    run();
    const db2 = openDb(dbFile, { create: false });
    const total = db2.prepare("SELECT count(*) FROM attempts a JOIN programmers p ON p.id = a.programmer_id WHERE p.name = 'sim-1' AND a.site = 1").pluck().get() as number;
    db2.close();
    expect(total - firstStreak).toBe(3);
  });

  it('lot show tells a lot whose run was killed from a running one, and says why a stopped lot stopped', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'state'), devices: 120, sim: { defectMultiplier: 150, linkLostRate: 0, wrongChipRate: 0 } });
    const run = spawnCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json', '--speed', '0.05', '--operator', 'op.kim']);
    await until(() => events(run).some((e) => e.type === 'cycle-start'), 'a cycle');
    run.child.kill('SIGKILL');
    await run.exit;
    const killed = JSON.parse(runCli(['--db', dbFile, 'lot', 'show', 'LOT-1', '--json']).stdout) as { status: string; statusReason: string; lastRun: { operator: string } };
    expect(killed).toMatchObject({ status: 'stopped', statusReason: expect.stringContaining('ended without closing'), lastRun: { operator: 'op.kim' } });
    expect(runCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--speed', 'unlimited', '--stop-yield', '0.95', '--stop-yield-after', '10']).code).toBe(EXIT.yieldStop);
    const text = runCli(['--db', dbFile, 'lot', 'show', 'LOT-1']).stdout;
    expect(text).toContain('stopped: the lot yield fell below the stop limit (--stop-yield)');
  });
});
