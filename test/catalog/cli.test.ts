import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';

const dir = tmpDir();
const db = path.join(dir, 'cli.db');
const gf = (...args: string[]) => runCli(['--db', db, ...args]);

describe('catalog CLI', () => {
  it('--version prints the package version and exits 0, without a database', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
    const v = runCli(['--version']);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout.trim()).toBe(pkg.version);
  });

  it('db init then compat of an eMMC part answers from the catalog, and a second db init changes nothing', () => {
    const init = gf('db', 'init', '--json');
    expect(init.code, init.stderr).toBe(0);
    const counts = JSON.parse(init.stdout);
    expect(counts.chips.inserted).toBeGreaterThanOrEqual(60);
    expect(counts.adapterTypes.inserted).toBeGreaterThanOrEqual(15);

    expect(gf('programmers', 'add', '--name', 'sim-1', '--driver', 'sim', '--model', 'sim-gang', '--serial', 'S1', '--sites', '4').code).toBe(0);
    expect(gf('adapters', 'add', '--type', 'emmc-153-11.5x13-clam-1', '--serial', 'E1', '--mount', 'sim-1:0').code).toBe(0);

    const compat = gf('compat', 'KLMAG1JETD-B041', '--json');
    expect(compat.code, compat.stderr).toBe(0);
    const r = JSON.parse(compat.stdout);
    expect(r).toMatchObject({ part: 'KLMAG1JETD-B041', kind: 'emmc', package: 'BGA153', bodyWmm: 11.5, bodyLmm: 13, totalHealthySites: 1 });
    expect(r.adapterTypes.find((t: { type: string }) => t.type === 'emmc-153-11.5x13-clam-1')).toMatchObject({ owned: 1, mounted: 1, healthySites: 1 });

    const again = JSON.parse(gf('db', 'init', '--json').stdout);
    expect(again.unchanged).toBe(true);
  });

  it('an occupied slot and an unknown part are refused with exit 1 and a one-line message', () => {
    expect(gf('adapters', 'add', '--type', 'emmc-153-11.5x13-clam-1', '--serial', 'E2').code).toBe(0);
    const busy = gf('adapters', 'mount', 'E2', 'sim-1:0');
    expect(busy.code).toBe(1);
    expect(busy.stderr.trim().split('\n')).toHaveLength(1);
    expect(busy.stderr).toMatch(/occupied by adapter E1/);
    const unknown = gf('chip', 'show', 'KLMAG1JETD');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/did you mean KLMAG1JETD-B041/);
  });

  it('db init with a broken chip folder fails naming the file and entry and keeps the database', () => {
    const chips = path.join(dir, 'chips');
    fs.mkdirSync(chips);
    fs.writeFileSync(path.join(chips, 'bad.json'), JSON.stringify({ family: 'x', defectRateBasis: 'x', chips: [{ part: 'ABC123', vendor: 'V' }] }));
    const r = gf('db', 'init', '--chips', chips);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.json: chip ABC123 \(chips\[0\]\): field /);
    expect(JSON.parse(gf('chips', '--kind', 'emmc', '--json').stdout).length).toBeGreaterThan(10);
  });

  it('db init with --chips naming a file, or --programmers naming a FIFO, is refused at once (exit 1), never an internal error or a wait', () => {
    const fifo = path.join(dir, 'programmers.fifo');
    execFileSync('mkfifo', [fifo]);
    const notFolder = gf('db', 'init', '--chips', fifo, '--json');
    expect(notFolder.code).toBe(1);
    expect(JSON.parse(notFolder.stdout).error).toMatchObject({ code: 'catalog-missing', file: fifo });
    expect(notFolder.stderr).toContain(`${fifo} is not a folder; give the catalog folder`);
    const notFile = runCli(['--db', db, 'db', 'init', '--programmers', fifo], { timeoutMs: 20_000 });
    expect(notFile.code).toBe(1);
    expect(notFile.stderr).toContain(`${fifo}: is not a regular file (a folder, pipe or device); give the path of a catalog JSON file [catalog-unreadable]`);
    for (const r of [notFolder, notFile]) expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });
});
