import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { root, runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';

const dir = tmpDir('gangflash-readme-serial-');

describe("README's serial example", () => {
  it('the job create line of the operator section works on a gzip system image and serializes a lot', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const spec = /--serial (SN\d+@0x[0-9A-F]+)/.exec(readme)![1];
    const db = path.join(dir, 'g.db');
    const image = path.join(dir, 'system.img.gz');
    const raw = Buffer.alloc(64 << 20, 0xff);
    for (let i = 0; i < raw.length; i += 4096) raw.writeUInt32LE(i, i);
    fs.writeFileSync(image, zlib.gzipSync(raw, { level: 1 }));
    const cli = (...a: string[]) => runCli(['--db', db, ...a]);
    expect(cli('db', 'init').code).toBe(0);
    expect(cli('programmers', 'add', '--name', 'sim-1', '--driver', 'sim', '--model', 'sim-gang', '--serial', 'SIM-0001', '--sites', '2', '--options', '{"speed":"unlimited"}').code).toBe(0);
    for (const [s, site] of [['AD-0001', '0'], ['AD-0002', '1']]) expect(cli('adapters', 'add', '--type', 'emmc-153-11.5x13-clam-1', '--serial', s, '--mount', `sim-1:${site}`).code).toBe(0);
    const job = cli('job', 'create', '--name', 'fw-emmc', '--chip', 'KLM8G1GETF-B041', '--image', image, '--ops', 'id,program,verify', '--serial', spec);
    expect(job.code, job.stderr).toBe(0);
    expect(cli('job', 'release', 'fw-emmc', '--by', 'j.doe').code).toBe(0);
    const reels = path.join(dir, 'reels.csv');
    fs.writeFileSync(reels, 'lot,reel,part,quantity,date_code,job\nL2447-01,R1,KLM8G1GETF-B041,4,2447,fw-emmc\n');
    expect(cli('lot', 'import', reels).code).toBe(0);
    const run = cli('run', '--lot', 'L2447-01', '--operator', 'a.lee', '--json');
    expect(run.code, run.stderr).toBe(0);
    const trace = cli('trace', 'SN000100', '--json');
    expect(JSON.parse(trace.stdout).devices[0].serials[0].fields[0].writes[0].offset).toBe(Number(spec.split('@')[1]));
  });
});
