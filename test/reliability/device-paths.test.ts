import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { addAdapter } from '../../src/inventory/index.js';
import { importReels } from '../../src/lots/import.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { lotFixture, lotRows } from '../helpers/lot-fixture.js';
import { root } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';

const dir = tmpDir('gangflash-paths-');
const hasStrace = spawnSync('strace', ['-V']).status === 0;
if (!hasStrace) console.log('device path test skipped: strace is not installed (it records every file the run opens)');

/** Every successful open of the traced processes: path and whether it could write. */
function opens(log: string): { file: string; write: boolean }[] {
  const out: { file: string; write: boolean }[] = [];
  for (const line of log.split('\n')) {
    const m = /\b(?:open|openat|openat2|creat)\((?:[^,]+, )?"((?:[^"\\]|\\.)*)", ([^)]*)\)\s+=\s+(\d+)/.exec(line);
    if (m) out.push({ file: m[1], write: /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC/.test(m[2]) || line.includes('creat(') });
  }
  return out;
}

describe('blockdev paths come only from the farm file', () => {
  it.skipIf(!hasStrace)('a run with hostile lot and reel ids writes only the targets the farm file lists, never a device or file it did not name', async () => {
    const { dbFile, image } = await lotFixture({ dir, programmers: 0, devices: 3, imageBytes: 64 << 10 });
    const farmDir = path.join(dir, 'farm');
    fs.mkdirSync(path.join(farmDir, 'dev'), { recursive: true });
    const targets = [0, 1].map((i) => path.join(farmDir, `t${i}.img`));
    for (const t of targets) fs.writeFileSync(t, Buffer.alloc(1 << 20));
    // Files the ids below point at: none may be opened.
    const decoys = [path.join(dir, 'decoy.img'), path.join(farmDir, 'dev', 'sda'), path.join(farmDir, 't2.img')];
    for (const d of decoys) fs.writeFileSync(d, Buffer.alloc(1 << 20, 0x11));
    const db = openDb(dbFile);
    for (const s of ['B-0', 'B-1']) addAdapter(db, { type: 'emmc-153-11.5x13-clam-1', serial: s });
    const reels = path.join(dir, 'hostile.csv');
    fs.writeFileSync(reels, 'lot,reel,part,quantity,date_code,job\nx/../../decoy.img,R/../dev/sda,KLM8G1GETF-B041,3,2447,job\n');
    importReels(db, reels);
    db.close();
    const farm = path.join(farmDir, 'farm.json');
    fs.writeFileSync(
      farm,
      JSON.stringify({
        programmers: [
          { name: 'readers', driver: 'blockdev', model: 'usb-emmc-reader-x4', serial: 'BD-1', sites: 4, adapters: ['B-0', 'B-1', null, null], options: { targets: ['t0.img', 't1.img', 't2.img', 'dev/sda'], capacityBytes: 1 << 20 } },
        ],
      }),
    );
    // Two sites carry adapters; t2.img and dev/sda are listed but have none, so they must not be touched either.
    const log = path.join(dir, 'strace.log');
    const r = spawnSync(
      'strace',
      ['-f', '-qq', '-e', 'trace=open,openat,openat2,creat', '-o', log, process.execPath, '--import', 'tsx', path.join(root, 'src/cli/entry.ts'), '--db', dbFile, 'run', '--lot', 'x/../../decoy.img', '--farm', farm, '--json'],
      { cwd: root, encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.status, r.stderr).toBe(EXIT.ok);
    expect(lotRows(dbFile, 'x/../../decoy.img')).toMatchObject({ devices: 3, passed: 3 });

    const seen = opens(fs.readFileSync(log, 'utf8'));
    expect(seen.some((o) => o.file === targets[0] && o.write)).toBe(true);
    const mine = seen.filter((o) => path.resolve(root, o.file).startsWith(dir + path.sep));
    const allowedWrites = new Set([...targets, dbFile, `${dbFile}-wal`, `${dbFile}-shm`, `${dbFile}-journal`]);
    const allowedReads = new Set([...allowedWrites, image, farm, dir, farmDir]);
    for (const o of mine) {
      const f = path.resolve(root, o.file);
      if (o.write) expect(allowedWrites, `wrote ${f}`).toContain(f);
      else expect(allowedReads, `opened ${f}`).toContain(f);
    }
    for (const d of decoys) expect(fs.readFileSync(d).every((b) => b === 0x11), `${d} unchanged`).toBe(true);
    // Nothing under /dev but the harmless character devices.
    const devs = seen.filter((o) => o.file.startsWith('/dev/') && !/^\/dev\/(null|zero|u?random|tty|pts\/|shm\/)/.test(o.file));
    expect(devs).toEqual([]);
  });
});
