import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { loadCatalogs } from '../../src/catalog/load.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { runCli } from '../helpers/cli.js';
import { lotFixture } from '../helpers/lot-fixture.js';
import { tmpDir } from '../helpers/tmp.js';

const dir = tmpDir('gangflash-bundle-');

/** A station database with the catalog and nothing else. */
function emptyStation(name: string): string {
  const file = path.join(dir, name, 'gangflash.db');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = openDb(file);
  loadCatalogs(db);
  db.close();
  return file;
}

const show = (db: string, ref: string) => JSON.parse(runCli(['--db', db, 'job', 'show', ref, '--json']).stdout);

describe('jobs travel between stations as a bundle of manifest and image', () => {
  it('a job exported on one station and imported on another is the same version, image SHA-256 and release', async () => {
    const a = await lotFixture({ dir: path.join(dir, 'A'), devices: 4 });
    const bundle = path.join(dir, 'job-1.bundle');
    const out = runCli(['--db', a.dbFile, 'job', 'export', 'job@1', '--out', bundle]);
    expect(out.code, out.stderr).toBe(EXIT.ok);
    expect(fs.readdirSync(bundle).sort()).toEqual(['image.bin', 'manifest.json']);

    const b = emptyStation('B');
    const imp = runCli(['--db', b, 'job', 'import', bundle]);
    expect(imp.code, imp.stderr).toBe(EXIT.ok);
    expect(imp.stdout).toMatch(/job job@1 imported, released by test; its image [0-9a-f]{64} is read from .*image\.bin/);
    const [ja, jb] = [show(a.dbFile, 'job@1'), show(b, 'job@1')];
    expect(jb).toMatchObject({ name: ja.name, version: ja.version, chip: ja.chip, imageSha256: ja.imageSha256, release: { by: 'test' } });
    expect({ ...jb.spec, image: { ...jb.spec.image, path: '' } }).toEqual({ ...ja.spec, image: { ...ja.spec.image, path: '' } });
    expect(jb.spec.image.path).toBe(path.join(bundle, 'image.bin'));

    const again = runCli(['--db', b, 'job', 'import', bundle, '--json']);
    expect(again.code, again.stderr).toBe(EXIT.ok);
    expect(JSON.parse(again.stdout).outcome).toBe('unchanged');
    const exists = runCli(['--db', a.dbFile, 'job', 'export', 'job', '--out', bundle]);
    expect(exists.code).toBe(EXIT.userError);
    expect(exists.stderr).toMatch(/bundle: this bundle directory exists already; give --out a new directory \[bundle-exists\]/);
  });

  it('a bundle whose image does not match its manifest is refused, naming the file, and nothing is imported', async () => {
    const a = await lotFixture({ dir: path.join(dir, 'C'), devices: 4 });
    const bundle = path.join(dir, 'damaged.bundle');
    expect(runCli(['--db', a.dbFile, 'job', 'export', 'job', '--out', bundle]).code).toBe(EXIT.ok);
    const img = path.join(bundle, 'image.bin');
    const bytes = fs.readFileSync(img);
    bytes[100] ^= 0xff;
    fs.writeFileSync(img, bytes);
    const b = emptyStation('D');
    const r = runCli(['--db', b, 'job', 'import', bundle]);
    expect(r.code).toBe(EXIT.userError);
    expect(r.stderr).toMatch(new RegExp(`^gangflash: ${img.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: has SHA-256 [0-9a-f]{64} but the bundle's manifest pins [0-9a-f]{64} .* copy the bundle again .*\\[bundle-image-mismatch\\]\\n$`));
    expect(runCli(['--db', b, 'job', 'list', '--json']).stdout.trim()).toBe('[]');
    fs.writeFileSync(path.join(bundle, 'manifest.json'), '{ "kind": ');
    const bad = runCli(['--db', b, 'job', 'import', bundle]);
    expect(bad.code).toBe(EXIT.userError);
    expect(bad.stderr).toMatch(/manifest\.json: not JSON .*export the job again \[bundle-invalid\]/);
  });

  it("a station without the job's image is refused at run start with `image add`; once it registers a copy, the job runs", async () => {
    const a = await lotFixture({ dir: path.join(dir, 'E'), devices: 4 });
    const moved = path.join(dir, 'E', 'elsewhere', 'fw.bin');
    fs.mkdirSync(path.dirname(moved));
    fs.renameSync(a.image, moved);
    const run = () => runCli(['--db', a.dbFile, 'run', '--lot', a.lot, '--json', '--speed', 'unlimited']);
    const refused = run();
    expect(refused.code).toBe(EXIT.userError);
    expect(refused.stderr).toMatch(/this station needs the image with SHA-256 [0-9a-f]{64}: register a copy with `gangflash image add FILE` \[image-missing\]/);
    const added = runCli(['--db', a.dbFile, 'image', 'add', moved]);
    expect(added.code, added.stderr).toBe(EXIT.ok);
    expect(added.stdout).toMatch(/registered: SHA-256 [0-9a-f]{64} \(raw, 262144 bytes\)/);
    expect(show(a.dbFile, 'job').spec.image.path).toBe(moved);
    const ok = run();
    expect(ok.code, ok.stderr).toBe(EXIT.ok);
    // A copy with other content is still refused: the SHA-256 decides, not the name.
    fs.writeFileSync(moved, Buffer.alloc(1024, 7));
    const changed = run();
    expect(changed.code).toBe(EXIT.userError);
    expect(changed.stderr).toMatch(/image content changed .*`gangflash image add FILE` \[image-changed\]/);
  });
});
