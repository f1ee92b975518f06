import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/open.js';
import { runLotService } from '../../src/scheduler/lot-service.js';
import { lotFixture } from '../helpers/lot-fixture.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { events, spawnCli, until } from '../reliability/spawn-cli.js';

const dir = tmpDir('gangflash-totals-');

/** The totals tables next to the same numbers recomputed from the attempts and devices rows. */
function compare(db: Db): { kept: unknown; recomputed: unknown }[] {
  const q = (sql: string) => db.prepare(sql).all();
  return [
    {
      kept: q('SELECT lot_id, programmer_id, site, adapter_key, finished, passed FROM attempt_totals WHERE finished > 0 ORDER BY 1, 2, 3, 4'),
      recomputed: q(`SELECT lot_id, programmer_id, site, coalesce(adapter_id, 0) AS adapter_key, count(*) AS finished, sum(result = 'pass') AS passed
                       FROM attempts WHERE result IN ('pass', 'fail') GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`),
    },
    {
      kept: q('SELECT programmer_id, site, adapter_key, finished, passed FROM site_totals WHERE finished > 0 ORDER BY 1, 2, 3'),
      recomputed: q(`SELECT programmer_id, site, coalesce(adapter_id, 0) AS adapter_key, count(*) AS finished, sum(result = 'pass') AS passed
                       FROM attempts WHERE result IN ('pass', 'fail') GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`),
    },
    {
      kept: q('SELECT lot_id, code, stage, attempts FROM failure_totals WHERE attempts > 0 ORDER BY 1, 2, 3'),
      recomputed: q(`SELECT lot_id, failure_code AS code, stage, count(*) AS attempts FROM attempts WHERE result = 'fail' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`),
    },
    {
      kept: q('SELECT lot_id, code, stage, devices FROM failure_totals WHERE devices > 0 ORDER BY 1, 2, 3'),
      recomputed: q(`SELECT d.lot_id, a.failure_code AS code, a.stage, count(*) AS devices FROM devices d JOIN attempts a ON a.lot_id = d.lot_id AND a.reel_id = d.reel_id AND a.seq = d.seq
                       AND a.attempt = (SELECT max(b.attempt) FROM attempts b WHERE b.lot_id = d.lot_id AND b.reel_id = d.reel_id AND b.seq = d.seq AND b.result = 'fail')
                      WHERE d.result = 'fail' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`),
    },
    {
      kept: q('SELECT lot_id, reel_id, passed, failed, first_passed FROM device_totals ORDER BY 1, 2'),
      recomputed: q(`SELECT d.lot_id, d.reel_id, sum(d.result = 'pass') AS passed, sum(d.result = 'fail') AS failed,
                       sum(coalesce((SELECT a.result = 'pass' FROM attempts a WHERE a.lot_id = d.lot_id AND a.reel_id = d.reel_id AND a.seq = d.seq
                                      AND a.result IN ('pass', 'fail') ORDER BY a.attempt LIMIT 1), 0)) AS first_passed
                       FROM devices d GROUP BY 1, 2 ORDER BY 1, 2`),
    },
    {
      kept: q('SELECT adapter_id, since_socket FROM adapter_totals WHERE since_socket > 0 ORDER BY 1'),
      recomputed: q(`SELECT a.id AS adapter_id, count(*) AS since_socket FROM adapters a JOIN attempts x ON x.adapter_id = a.id AND x.started_at >= a.socket_since GROUP BY a.id ORDER BY 1`),
    },
  ];
}

describe('totals kept by the database', () => {
  it('after runs with retries, failures, kills and a socket replacement, every total equals its recount from the rows', async () => {
    const { dbFile } = await lotFixture({
      dir: path.join(dir, 'drift'),
      devices: 60,
      serial: 'T0001@0x100000',
      simPer: { 1: { brokenSites: [2] } },
      sim: { wrongChipRate: 0.1, linkLostRate: 0.05, defectMultiplier: 40 },
    });
    for (const wave of [2, 3]) {
      const run = spawnCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json', '--speed', '0.05']);
      await until(() => events(run).some((e) => e.type === 'cycle-start' && (e.wave as number) >= wave) || run.child.exitCode !== null, `wave ${wave}`);
      run.child.kill('SIGKILL');
      await run.exit;
    }
    expect(runCli(['--db', dbFile, 'adapters', 'replace-socket', 'A-1-0']).code).toBe(0);
    await runLotService({ dbFile, lot: 'LOT-1', driverOptions: { sim: { speed: 'unlimited' } } });
    const db = openDb(dbFile, { create: false });
    try {
      for (const { kept, recomputed } of compare(db)) expect(kept).toEqual(recomputed);
      expect((db.prepare('SELECT count(*) FROM devices').pluck().get() as number)).toBe(60);
    } finally {
      db.close();
    }
  });
});
