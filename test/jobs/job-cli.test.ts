import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { makeJobDb, randomFile } from './fixtures.js';

const dir = tmpDir('gangflash-jobcli-');
const db = path.join(dir, 'g.db');
makeJobDb(db);
const image = randomFile(dir, 'fw.bin', 8 * 2048);
const cli = (...args: string[]) => runCli(['--db', db, ...args]);

describe('gangflash job (CLI)', () => {
  it('creates a job, shows it and lists it, as tables and as JSON', () => {
    const made = cli('job', 'create', '--name', 'fw', '--chip', 'TEST-NAND', '--image', image, '--serial', 'SN000100:2@0x3000', '--serial-overwrite');
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    expect(made.stdout).toContain('job fw@1 (id 1) created');
    expect(made.stdout).toMatch(/serial\s+SN000100:2@0x3000 \(may overwrite image data\)/);

    const shown = cli('job', 'show', 'fw', '--json');
    expect(shown.code).toBe(0);
    const job = JSON.parse(shown.stdout);
    expect(job).toMatchObject({ name: 'fw', version: 1, chip: 'TEST-NAND', frozen: false });
    expect(job.spec.serial).toEqual({ prefix: 'SN', start: 100, step: 2, width: 6, offset: 0x3000, overwrite: true });

    const listed = cli('job', 'list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^fw@1\s+1\s+TEST-NAND/m);
  });

  it('makes a new version once a lot uses the job, and says when nothing changed', () => {
    const handle = openDb(db);
    handle.prepare("INSERT INTO lots (id, job_id, chip) VALUES ('L1', 1, 'TEST-NAND')").run();
    handle.close();
    const v2 = cli('job', 'create', '--name', 'fw', '--chip', 'TEST-NAND', '--image', image, '--ops', 'id,program,verify', '--json');
    expect(v2.code).toBe(0);
    const r = JSON.parse(v2.stdout);
    expect(r.outcome).toBe('new-version');
    expect(r.job.version).toBe(2);
    const same = cli('job', 'create', '--name', 'fw', '--chip', 'TEST-NAND', '--image', image, '--ops', 'id,program,verify');
    expect(same.stdout).toContain('job fw@2 (id 2) unchanged');
    const old = JSON.parse(cli('job', 'show', 'fw@1', '--json').stdout);
    expect(old.frozen).toBe(true);
    expect(old.spec.ops).toEqual(['id', 'erase', 'blank', 'program', 'verify']);
  });

  it('refuses a bad job with one line on stderr and exit code 1', () => {
    const bad = cli('job', 'create', '--name', 'e', '--chip', 'TEST-EMMC', '--image', image, '--ext-csd', 'BOOT_PARTITION_ENABLE=1');
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('[ext-csd-boot-empty]');
    const missing = cli('job', 'show', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('job nope does not exist');
  });

  it('--nand-scheme partitions: naming a FIFO or a folder is refused at once (exit 1), never waited on', () => {
    const fifo = path.join(dir, 'parts.fifo');
    execFileSync('mkfifo', [fifo]);
    for (const f of [fifo, dir]) {
      const r = runCli(['--db', db, 'job', 'create', '--name', 'p', '--chip', 'TEST-NAND', '--image', image, '--nand-scheme', `partitions:${f}`, '--json'], { timeoutMs: 20_000 });
      expect(r.code, f).toBe(1);
      expect(JSON.parse(r.stdout).error.code).toBe('partition-table-missing');
      expect(r.stderr).toContain(`partition table ${f} is not a regular file (a folder, pipe or device)`);
    }
  });
});
