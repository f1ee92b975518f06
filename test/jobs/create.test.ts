import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/open.js';
import { createJob, getJob, listJobs, programSteps, programTarget, extCsdWrites, serialRule, checkPinnedImage, checkJobImages, parseOps } from '../../src/jobs/index.js';
import { GangflashError } from '../../src/errors.js';
import { tmpDir } from '../helpers/tmp.js';
import { makeJobDb, randomFile } from './fixtures.js';

const dir = tmpDir('gangflash-jobs-');
let n = 0;
/** A fresh database with the test chips. */
function freshDb(): Db {
  const file = path.join(dir, `db${++n}.db`);
  makeJobDb(file);
  return openDb(file);
}
const nandImage = randomFile(dir, 'nand.bin', 10 * 2048);
const emmcImage = randomFile(dir, 'user.bin', 64 * 1024);
const bootImage = randomFile(dir, 'boot.bin', 4096);

async function failure(p: Promise<unknown>): Promise<GangflashError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof GangflashError) return e;
    throw e;
  }
  throw new Error('expected a GangflashError');
}

describe('job create', () => {
  it('pins the image by SHA-256 and stores images and jobs rows', async () => {
    const db = freshDb();
    const r = await createJob(db, { name: 'fw', chip: 'TEST-NAND', image: nandImage });
    expect(r.outcome).toBe('created');
    expect(r.job).toMatchObject({ name: 'fw', version: 1, chip: 'TEST-NAND', frozen: false });
    expect(r.job.spec.image.size).toBe(10 * 2048);
    expect(r.job.spec.nand).toEqual({ scheme: { kind: 'skip' }, withSpare: false });
    const img = db.prepare('SELECT sha256, size FROM images').get() as { sha256: string; size: number };
    expect(img).toEqual({ sha256: r.job.imageSha256, size: 10 * 2048 });
    db.close();
  });

  it('stores a partition table inline and detects a data+spare image', async () => {
    const db = freshDb();
    const image = randomFile(dir, 'spare.bin', 6 * 2112);
    const table = path.join(dir, 'parts.json');
    fs.writeFileSync(table, JSON.stringify([
      { name: 'boot', startBlock: 0, blocks: 4, imageOffset: 0, imageLength: 2 * 2112 },
      { name: 'fs', startBlock: 4, blocks: 28, imageOffset: 2 * 2112, imageLength: 4 * 2112 },
    ]));
    const { job } = await createJob(db, { name: 'parts', chip: 'TEST-NAND', image, nandScheme: `partitions:${table}` });
    expect(job.spec.nand?.withSpare).toBe(true);
    expect(job.spec.nand?.scheme.kind === 'partitions' && job.spec.nand.scheme.partitions.map((p) => p.name)).toEqual(['boot', 'fs']);
    expect(programTarget(job.spec)).toEqual({ skipBlank: true, nandScheme: job.spec.nand!.scheme, withSpare: true });
    db.close();
  });

  it('refuses an image larger than the chip, stating both sizes, and writes nothing', async () => {
    const db = freshDb();
    const big = randomFile(dir, 'big.bin', 29 * 2048);
    const e = await failure(createJob(db, { name: 'big', chip: 'TEST-NAND', image: big }));
    expect(e.code).toBe('image-too-large');
    expect(e.message).toContain('59392 bytes');
    expect(e.message).toContain('57344 bytes');
    expect((db.prepare('SELECT count(*) AS c FROM jobs').get() as { c: number }).c).toBe(0);
    expect((db.prepare('SELECT count(*) AS c FROM images').get() as { c: number }).c).toBe(0);
    db.close();
  });

  it('freezes a job a lot uses: a changed spec makes version 2 and version 1 stays as it was', async () => {
    const db = freshDb();
    const v1 = (await createJob(db, { name: 'fw', chip: 'TEST-NAND', image: nandImage })).job;
    db.prepare('INSERT INTO lots (id, job_id, chip) VALUES (?, ?, ?)').run('LOT1', v1.id, 'TEST-NAND');
    const r = await createJob(db, { name: 'fw', chip: 'TEST-NAND', image: nandImage, ops: 'id,program,verify' });
    expect(r.outcome).toBe('new-version');
    expect(r.job.version).toBe(2);
    expect(getJob(db, 'fw@1').spec.ops).toEqual(['id', 'erase', 'blank', 'program', 'verify']);
    expect(getJob(db, 'fw@1').frozen).toBe(true);
    expect(getJob(db, 'fw').version).toBe(2);
    expect(listJobs(db).map((j) => `${j.name}@${j.version}`)).toEqual(['fw@2']);
    expect(listJobs(db, { allVersions: true })).toHaveLength(2);
    db.close();
  });

  it('returns the existing job for an identical spec and changes an unused job in place', async () => {
    const db = freshDb();
    const first = await createJob(db, { name: 'fw', chip: 'TEST-NAND', image: nandImage });
    const again = await createJob(db, { name: 'fw', chip: 'TEST-NAND', image: nandImage });
    expect(again.outcome).toBe('unchanged');
    expect(again.job.id).toBe(first.job.id);
    const changed = await createJob(db, { name: 'fw', chip: 'TEST-NAND', image: nandImage, fill: 0 });
    expect(changed.outcome).toBe('updated');
    expect(changed.job).toMatchObject({ id: first.job.id, version: 1 });
    expect(changed.job.spec.fill).toBe(0);
    db.close();
  });

  it('plans eMMC boot images and EXT_CSD writes as program steps', async () => {
    const db = freshDb();
    const { job } = await createJob(db, {
      name: 'emmc', chip: 'TEST-EMMC', image: emmcImage, emmcBoot1: bootImage, extCsd: ['BOOT_PARTITION_CONFIG=0x48'], serial: 'SN0001@0x20000',
    });
    expect(programSteps(job.spec).map((s) => [s.target.partition, s.image.size])).toEqual([['user', 64 * 1024], ['boot1', 4096]]);
    expect(extCsdWrites(job.spec)).toEqual([{ index: 179, value: 0x48 }]);
    expect(serialRule(job.spec)).toEqual({ prefix: 'SN', start: 1, step: 1, width: 4, offset: 0x20000 });
    db.close();
  });

  it('refuses options for another chip kind, an unknown chip, a missing image and a serial inside the image', async () => {
    const db = freshDb();
    expect((await failure(createJob(db, { name: 'a', chip: 'TEST-NAND', image: nandImage, extCsd: ['BOOT_ACK=1'] }))).code).toBe('option-not-for-chip');
    expect((await failure(createJob(db, { name: 'a', chip: 'TEST-EMMC', image: emmcImage, nandScheme: 'skip' }))).code).toBe('option-not-for-chip');
    expect((await failure(createJob(db, { name: 'a', chip: 'NOPE', image: nandImage }))).code).toBe('unknown-part');
    expect((await failure(createJob(db, { name: 'a', chip: 'TEST-NAND', image: path.join(dir, 'missing.bin') }))).code).toBe('image-missing');
    expect((await failure(createJob(db, { name: 'a', chip: 'TEST-NAND', image: nandImage, serial: 'SN01@16' }))).code).toBe('serial-inside-image');
    expect((await failure(createJob(db, { name: 'a', chip: 'TEST-NAND', image: nandImage, serial: 'SN01@20480' }))).code).toBe('serial-outside-chip');
    expect((await failure(createJob(db, { name: 'a', chip: 'TEST-EMMC', image: emmcImage, emmcBoot2: randomFile(dir, 'b2.bin', 512 * 1024 + 1) }))).code).toBe('image-too-large');
    expect((await createJob(db, { name: 'a', chip: 'TEST-NAND', image: nandImage, serial: 'SN01@16', serialOverwrite: true })).outcome).toBe('created');
    db.close();
  });

  it('refuses an image file whose content changed since the job pinned it', async () => {
    const db = freshDb();
    const file = randomFile(dir, 'changing.bin', 4096);
    const { job } = await createJob(db, { name: 'c', chip: 'TEST-NAND', image: file });
    await checkPinnedImage(job.spec.image);
    fs.writeFileSync(file, Buffer.alloc(4096, 1));
    expect((await failure(checkPinnedImage(job.spec.image))).code).toBe('image-changed');
    db.close();
  });

  it('an image is read once when the job pins it: later checks trust its identity until the file is written again', async () => {
    const db = freshDb();
    const file = randomFile(dir, 'once.bin', 8192);
    const { job } = await createJob(db, { name: 'once', chip: 'TEST-NAND', image: file });
    expect((await checkJobImages(job.spec, db)).map((c) => c.by)).toEqual(['identity']);
    // the same bytes written again: the identity moved (ctime), so the file is read again, and matches
    fs.writeFileSync(file, fs.readFileSync(file));
    expect((await checkJobImages(job.spec, db)).map((c) => c.by)).toEqual(['sha256']);
    expect((await checkJobImages(job.spec, db)).map((c) => c.by)).toEqual(['identity']);
    // one byte changed and the old mtime put back: ctime still moves, the file is read and refused
    const st = fs.statSync(file);
    const bytes = fs.readFileSync(file);
    bytes[100] ^= 1;
    fs.writeFileSync(file, bytes);
    fs.utimesSync(file, st.atime, st.mtime);
    expect((await failure(checkJobImages(job.spec, db))).code).toBe('image-changed');
    db.close();
  });

  it('without a database every check reads the image in full', async () => {
    const db = freshDb();
    const { job } = await createJob(db, { name: 'nodb', chip: 'TEST-NAND', image: randomFile(dir, 'nodb.bin', 4096) });
    db.close();
    expect((await checkJobImages(job.spec)).map((c) => c.by)).toEqual(['sha256']);
    expect((await checkJobImages(job.spec)).map((c) => c.by)).toEqual(['sha256']);
  });
});

/** One Intel HEX record line (type 00 data or 01 end). */
function hexRecord(addr: number, type: number, data: number[]): string {
  const bytes = [data.length, addr >> 8, addr & 0xff, type, ...data];
  const sum = (0x100 - (bytes.reduce((a, b) => a + b, 0) & 0xff)) & 0xff;
  return ':' + [...bytes, sum].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join('');
}

describe('job images in other formats', () => {
  it('pins an Intel HEX image by the SHA-256 of its expanded content, gaps filled with the job\'s fill value', async () => {
    const db = freshDb();
    const file = path.join(dir, 'fw.hex');
    const a = Array.from({ length: 16 }, (_, i) => i);
    const b = [0xde, 0xad, 0xbe, 0xef];
    fs.writeFileSync(file, [hexRecord(0, 0, a), hexRecord(0x100, 0, b), hexRecord(0, 1, [])].join('\n') + '\n');
    const { job } = await createJob(db, { name: 'hex', chip: 'TEST-NAND', image: file, fill: 0 });
    const expanded = Buffer.alloc(0x104, 0);
    Buffer.from(a).copy(expanded, 0);
    Buffer.from(b).copy(expanded, 0x100);
    expect(job.spec.image).toMatchObject({ format: 'ihex', size: 0x104, sha256: createHash('sha256').update(expanded).digest('hex') });
    await checkJobImages(job.spec);
    db.close();
  });
});

describe('operations', () => {
  it('accepts ordered subsets and refuses wrong order, repeats, unknown names and verify without program', () => {
    expect(parseOps('id, program ,verify')).toEqual(['id', 'program', 'verify']);
    expect(parseOps('blank')).toEqual(['blank']);
    for (const bad of ['program,erase', 'id,id', 'id,flash', 'id,verify', '', ',']) {
      expect(() => parseOps(bad), bad).toThrow(GangflashError);
    }
  });
});
