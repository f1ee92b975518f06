import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FarmError } from '../../src/errors.js';
import { defaultSimFarm, loadFarmFile, validateFarm } from '../../src/farm/index.js';
import { createDriver } from '../../src/programmers/registry.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';

const dir = tmpDir('gangflash-farm-');

/** Writes a farm file and returns its path. */
function farmFile(name: string, doc: unknown): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2));
  return f;
}

/** The FarmError a call throws. */
function error(fn: () => unknown): FarmError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FarmError);
    return e as FarmError;
  }
  throw new Error('expected a FarmError');
}

describe('farm.json', () => {
  it('loads programmers, fills missing adapters with null and resolves blockdev targets against the file folder', () => {
    const f = farmFile('farm.json', {
      programmers: [
        { name: 'sim-1', driver: 'sim', model: 'sim-gang', serial: 'S1', sites: 4, adapters: ['A1', null], options: { seed: 3, speed: 'unlimited' } },
        { name: 'bd-1', driver: 'blockdev', model: 'usb-emmc-reader-x4', serial: 'B1', sites: 2, options: { targets: ['sites/a.img', '/abs/b.img'] } },
      ],
    });
    const farm = loadFarmFile(f);
    expect(farm.programmers[0].adapters).toEqual(['A1', null, null, null]);
    expect(farm.programmers[1].options.targets).toEqual([path.join(dir, 'sites/a.img'), '/abs/b.img']);
    expect(createDriver(farm.programmers[0]).info).toMatchObject({ driver: 'sim', sites: 4, serial: 'S1' });
  });

  it('names the file and the JSON path of every bad field', () => {
    const f = farmFile('bad.json', {
      programmers: [
        { name: 'p', driver: 'sim', model: 'sim-gang', serial: 'S1', sites: 4, options: { seed: 'x', siteWear: [0, -1] } },
        { name: 'p', driver: 'warp', model: 'm', serial: 'S1', sites: 2 },
        { name: 'q', driver: 'sim', model: 'm', serial: 'S3', sites: 0 },
      ],
    });
    const e = error(() => loadFarmFile(f));
    expect(e.file).toBe(f);
    expect(e.message).toMatch(/programmers\[2\]\.sites/);
    const e2 = error(() => validateFarm({ programmers: [{ name: 'p', driver: 'sim', model: 'sim-gang', serial: 'S1', sites: 4, options: { seed: 'x', siteWear: [0, -1] } }, { name: 'p', driver: 'warp', model: 'm', serial: 'S1', sites: 2 }] }, f));
    expect(e2.message).toMatch(/programmers\[0\]\.options\.seed/);
    expect(e2.message).toMatch(/programmers\[0\]\.options\.siteWear\[1\]/);
    expect(e2.message).toMatch(/programmers\[1\]\.name: "p" is already used by programmers\[0\]/);
    expect(e2.message).toMatch(/programmers\[1\]\.serial/);
    expect(e2.message).toMatch(/programmers\[1\]\.driver: unknown driver "warp"; known drivers: .*blockdev.*sim/);
  });

  it('reports invalid JSON with the file and line', () => {
    const f = farmFile('broken.json', '{\n  "programmers": [\n    { "name": "a", }\n  ]\n}');
    const e = error(() => loadFarmFile(f));
    expect(e.code).toBe('farm-json');
    expect(e.line).toBe(3);
  });

  it('run --farm with a FIFO or /dev/zero is refused at once (exit 1, farm-unreadable), never waited on or read', () => {
    const db = path.join(dir, 'fifo.db');
    expect(runCli(['--db', db, 'db', 'init']).code).toBe(0);
    const fifo = path.join(dir, 'farm.fifo');
    execFileSync('mkfifo', [fifo]);
    for (const f of [fifo, '/dev/zero']) {
      const r = runCli(['--db', db, 'run', '--lot', 'LOT-1', '--farm', f, '--json'], { timeoutMs: 20_000 });
      expect(r.code, f).toBe(1);
      expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'farm-unreadable', file: f });
      expect(r.stderr).toContain(`${f}: is not a regular file (a folder, pipe or device); give the path of a farm.json file`);
    }
  });

  it('a farm file that starts with a UTF-8 byte-order mark loads like the same file without it', () => {
    const doc = { programmers: [{ name: 'bom-1', driver: 'sim', model: 'sim-gang', serial: 'BOM-1', sites: 2 }] };
    const f = farmFile('bom.json', `\uFEFF${JSON.stringify(doc, null, 2)}`);
    expect(loadFarmFile(f).programmers).toMatchObject([{ name: 'bom-1', sites: 2, adapters: [null, null] }]);
  });

  it('refuses an adapter mounted twice and more adapters than sites', () => {
    const e = error(() => validateFarm({ programmers: [{ name: 'a', driver: 'sim', model: 'm', serial: 'A', sites: 1, adapters: ['X', 'Y'] }, { name: 'b', driver: 'sim', model: 'm', serial: 'B', sites: 2, adapters: ['X'] }] }));
    expect(e.message).toMatch(/programmers\[0\]\.adapters: lists 2 adapters for 1 sites/);
    expect(e.message).toMatch(/programmers\[1\]\.adapters\[0\]: adapter "X" is already mounted at programmers\[0\] site 0/);
  });

  it('the default sim farm is a valid farm of 4 programmers × 8 sites with an adapter on every site', () => {
    const farm = validateFarm(defaultSimFarm({ seed: 42 }));
    expect(farm.programmers.map((p) => [p.name, p.sites, p.adapters.filter(Boolean).length, p.options.seed])).toEqual([
      ['sim-1', 8, 8, 42], ['sim-2', 8, 8, 43], ['sim-3', 8, 8, 44], ['sim-4', 8, 8, 45],
    ]);
  });
});
