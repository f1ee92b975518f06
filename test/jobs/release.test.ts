import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { createJob } from '../../src/jobs/create.js';
import { runCli } from '../helpers/cli.js';
import { lotFixture, lotRows } from '../helpers/lot-fixture.js';
import { tmpDir } from '../helpers/tmp.js';

const dir = tmpDir('gangflash-release-');

describe('job release', () => {
  it('a run refuses a job version nobody released (exit 1, naming the release command); --engineering runs it', async () => {
    const { dbFile, image } = await lotFixture({ dir: path.join(dir, 'unreleased'), devices: 8, imageBytes: 64 << 10 });
    // A new version of the job (other ops) that no engineer released, and a lot of it.
    const db = openDb(dbFile);
    await createJob(db, { name: 'job', chip: 'KLM8G1GETF-B041', image, ops: 'id,program' });
    db.close();
    const csv = path.join(dir, 'lot2.csv');
    fs.writeFileSync(csv, 'lot,reel,part,quantity,date_code,job\nLOT-2,R1,KLM8G1GETF-B041,4,2447,job\n');
    expect(runCli(['--db', dbFile, 'lot', 'import', csv]).code).toBe(0);
    const r = runCli(['--db', dbFile, 'run', '--lot', 'LOT-2', '--speed', 'unlimited']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/job job@2 is not released for production.*gangflash job release job@2 --by NAME.*--engineering.*\[job-not-released\]/);
    expect(lotRows(dbFile, 'LOT-2').attempts).toBe(0);
    const e = runCli(['--db', dbFile, 'run', '--lot', 'LOT-2', '--speed', 'unlimited', '--engineering', '--operator', 'eng.smith']);
    expect(e.code, e.stderr).toBe(0);
    expect(lotRows(dbFile, 'LOT-2')).toMatchObject({ devices: 4 });
  });

  it('job release records who and when, once; a released version is frozen and a changed spec becomes a new version', async () => {
    const { dbFile, image } = await lotFixture({ dir: path.join(dir, 'release'), devices: 2, imageBytes: 64 << 10 });
    const db = openDb(dbFile);
    await createJob(db, { name: 'fw', chip: 'KLM8G1GETF-B041', image, ops: 'id,program' });
    db.close();
    const r = runCli(['--db', dbFile, 'job', 'release', 'fw', '--by', 'j.doe', '--note', 'ECO-17', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ name: 'fw', version: 1, frozen: true, release: { by: 'j.doe', note: 'ECO-17', at: expect.any(String) } });
    const again = runCli(['--db', dbFile, 'job', 'release', 'fw', '--by', 'someone']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already released by j.doe/);
    const db2 = openDb(dbFile);
    const changed = await createJob(db2, { name: 'fw', chip: 'KLM8G1GETF-B041', image, ops: 'id,program,verify' });
    db2.close();
    expect(changed).toMatchObject({ outcome: 'new-version', job: { version: 2, release: null } });
    const show = runCli(['--db', dbFile, 'job', 'show', 'fw@1']);
    expect(show.stdout).toMatch(/released\s+by j\.doe at .* \(ECO-17\)/);
  });

  it('a life override and a site disabled and enabled again record who did it', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'who'), devices: 1, imageBytes: 64 << 10 });
    expect(runCli(['--db', dbFile, 'adapters', 'override', 'A-1-0', '--reason', 'spare on order', '--by', 'sup.kim']).code).toBe(0);
    expect(runCli(['--db', dbFile, 'sites', 'disable', 'sim-1:2', '--reason', 'bent pin', '--by', 'op.lee']).code).toBe(0);
    expect(runCli(['--db', dbFile, 'sites', 'enable', 'sim-1:2'], { env: { GANGFLASH_OPERATOR: 'tech.ng' } }).code).toBe(0);
    const db = openDb(dbFile, { create: false });
    const rows = db.prepare("SELECT code, actor, message FROM events WHERE kind = 'audit' AND code IN ('override', 'site-disabled', 'site-enabled') ORDER BY id").all();
    db.close();
    expect(rows).toEqual([
      { code: 'override', actor: 'sup.kim', message: 'adapter A-1-0 allowed past rated life by sup.kim: spare on order' },
      { code: 'site-disabled', actor: 'op.lee', message: 'sim-1:2 disabled by op.lee: bent pin' },
      { code: 'site-enabled', actor: 'tech.ng', message: 'sim-1:2 enabled by tech.ng: socket checked by operator' },
    ]);
  });
});
