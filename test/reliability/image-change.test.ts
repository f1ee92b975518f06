import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { lotFixture, lotRows } from '../helpers/lot-fixture.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { events, resumeInProcess, spawnCli, until } from './spawn-cli.js';

const dir = tmpDir('gangflash-imgchange-');
const run = (dbFile: string) => runCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json', '--speed', 'unlimited']);

describe('a changed image file never reaches a device silently', () => {
  it('an image changed before the run is refused with exit 1 image-changed before any device is touched', async () => {
    const { dbFile, image } = await lotFixture({ dir: path.join(dir, 'before'), devices: 16 });
    const good = fs.readFileSync(image);
    const bad = Buffer.from(good);
    bad[1234] ^= 0x40;
    fs.writeFileSync(image, bad);
    const r = run(dbFile);
    expect(r.code).toBe(EXIT.userError);
    expect(r.stderr).toMatch(/image content changed since the job pinned it.*\[image-changed\]/);
    expect(r.stdout).not.toContain('cycle-start');
    expect(lotRows(dbFile).attempts).toBe(0);
    fs.writeFileSync(image, good);
    expect(await resumeInProcess(dbFile)).toBe('done');
    expect(lotRows(dbFile)).toMatchObject({ devices: 16, distinct: 16 });
  });

  it('a run does not read again an image its job read when pinning it, unless the file was written since', async () => {
    const startOf = (stdout: string) => stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; images?: { by: string }[] }).find((e) => e.type === 'run-start');
    const pinned = await lotFixture({ dir: path.join(dir, 'identity'), devices: 8 });
    const first = run(pinned.dbFile);
    expect(first.code, first.stderr).toBe(EXIT.ok);
    expect(startOf(first.stdout)?.images?.map((i) => i.by)).toEqual(['identity']);

    const rewritten = await lotFixture({ dir: path.join(dir, 'rewritten'), devices: 8 });
    fs.writeFileSync(rewritten.image, fs.readFileSync(rewritten.image)); // same bytes, new ctime: read and hashed again
    const second = run(rewritten.dbFile);
    expect(second.code, second.stderr).toBe(EXIT.ok);
    expect(startOf(second.stdout)?.images?.map((i) => i.by)).toEqual(['sha256']);
  });

  it('an image written while the lot runs stops the run with exit 1 image-changed; the cycle in flight is not recorded and the lot completes once the file is restored', async () => {
    const { dbFile, image } = await lotFixture({ dir: path.join(dir, 'during'), devices: 40, serial: 'SN0001@0x100000' });
    const good = fs.readFileSync(image);
    const child = spawnCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json', '--speed', '0.02']);
    await until(() => events(child).some((e) => e.type === 'device-result'), 'a recorded device');
    fs.appendFileSync(image, Buffer.from([0]));
    const code = await child.exit;
    fs.writeFileSync(image, good);
    expect(code, child.stderr()).toBe(EXIT.userError);
    expect(child.stderr()).toMatch(/the image file changed (while the lot was running|during the cycle in flight).*\[image-changed\]/);
    // Only devices reported before the change are recorded; the wave that saw the change left no results, only its
    // insertions, closed as interrupted.
    const reported = events(child).filter((e) => e.type === 'device-result').length;
    expect(lotRows(dbFile).finished).toBe(reported);
    expect(lotRows(dbFile).attempts).toBe(reported + lotRows(dbFile).interrupted);
    expect(lotRows(dbFile).interrupted).toBeGreaterThan(0);
    expect(lotRows(dbFile).devices).toBeLessThan(40);

    expect(await resumeInProcess(dbFile)).toBe('done');
    expect(lotRows(dbFile)).toMatchObject({ devices: 40, distinct: 40, duplicateSerials: 0, integrity: 'ok' });
  });
});
