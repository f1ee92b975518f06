import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ImageFormatError } from '../../src/errors.js';
import { crc32Repeat } from '../../src/images/crc32-repeat.js';
import { assertImageUnchanged, imageDigest, inspectImage } from '../../src/images/inspect.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { sha256 } from './expand.js';
import { intelHex, sparseImage } from './writers.js';

const dir = tmpDir('gangflash-inspect-');
const U = 65536;

describe('image inspection', () => {
  it('counts blank units of a raw image in 64 KiB units, including a blank partial last unit', async () => {
    const c = Buffer.alloc(4 * U + 100, 0xff);
    c[U + 5] = 0; // unit 1 not blank
    c.fill(0x00, 2 * U, 3 * U); // unit 2 not blank
    const p = path.join(dir, 'blank.bin');
    fs.writeFileSync(p, c);
    const r = await inspectImage(p, { chunkSize: 1000 });
    expect([r.units, r.blankUnits, r.fillUnits]).toEqual([5, 3, 0]);
    expect(r.blankShare).toBeCloseTo(3 / 5);
    expect(r.extents.data.bytes).toBe(c.length);
  });

  it('counts fill units and extents of a HEX image whose gaps are filled', async () => {
    const p = path.join(dir, 'gaps.hex');
    fs.writeFileSync(p, intelHex([{ addr: 3 * U, bytes: Buffer.alloc(10, 1) }, { addr: 5 * U + 10, bytes: Buffer.alloc(U, 2) }]));
    const r = await inspectImage(p, { fill: 0x00 });
    expect(r.size).toBe(6 * U + 10);
    expect([r.units, r.fillUnits, r.blankUnits]).toEqual([7, 4, 0]); // units 0,1,2 and 4 lie in gaps
    expect(r.extents.fill).toEqual({ count: 2, bytes: 3 * U + 2 * U });
    expect(r.extents.data).toEqual({ count: 2, bytes: U + 10 });
    const want = Buffer.alloc(r.size, 0);
    want.fill(1, 3 * U, 3 * U + 10);
    want.fill(2, 5 * U + 10);
    expect(r.sha256).toBe(sha256(want));
    expect(r.crc32).toBe(zlib.crc32(want).toString(16).padStart(8, '0'));
  });

  it("reports don't-care regions of a sparse image separately and hashes them as 0xFF", async () => {
    const c = Buffer.alloc(8 * 4096, 0xff);
    c.fill(7, 0, 4096);
    const p = path.join(dir, 'dc.simg');
    fs.writeFileSync(p, sparseImage(c, { dontCare: true }));
    const r = await inspectImage(p);
    expect(r.extents.dontCare).toEqual({ count: 1, bytes: 7 * 4096 });
    expect(r.extents.fill).toEqual({ count: 1, bytes: 4096 });
    expect(r.sha256).toBe(sha256(c));
  });

  it('extends a CRC-32 over a repeated byte as if the bytes were there', () => {
    for (const [prev, byte, n] of [[0, 0xff, 1], [0x1234, 0, 70000], [0xffffffff, 0x5a, 3], [7, 9, 0]]) {
      expect(crc32Repeat(prev, byte, n)).toBe(zlib.crc32(Buffer.alloc(n, byte), prev));
    }
  });
});

describe('image pinning', () => {
  it('the digest is the SHA-256 of the expanded content, whatever the format', async () => {
    const c = Buffer.alloc(3 * 4096, 0xff);
    c.fill(0x42, 100, 5000);
    const raw = path.join(dir, 'pin.bin');
    const simg = path.join(dir, 'pin.simg.gz');
    fs.writeFileSync(raw, c);
    fs.writeFileSync(simg, zlib.gzipSync(sparseImage(c, { dontCare: true })));
    expect(await imageDigest(raw)).toBe(sha256(c));
    expect(await imageDigest(simg)).toBe(sha256(c));
  });

  it('a changed image file is refused with image-changed; an unchanged one passes', async () => {
    const p = path.join(dir, 'changing.bin');
    fs.writeFileSync(p, Buffer.alloc(5000, 1));
    const pinned = await imageDigest(p);
    await assertImageUnchanged(p, pinned);
    fs.writeFileSync(p, Buffer.alloc(5000, 2));
    const e = await assertImageUnchanged(p, pinned).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ImageFormatError);
    expect((e as ImageFormatError).code).toBe('image-changed');
  });
});

describe('gangflash image inspect', () => {
  const c = Buffer.alloc(4 * 4096, 0xff);
  c.fill(0x10, 0, 4096);
  const p = path.join(dir, 'cli.simg');
  fs.writeFileSync(p, sparseImage(c, { dontCare: true }));

  it('--json prints one JSON document with format, size and digests of the expanded content', () => {
    const r = runCli(['image', 'inspect', p, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ format: 'sparse', gzip: false, size: c.length, sha256: sha256(c), unitSize: U });
    expect(doc.extents.dontCare.bytes).toBe(3 * 4096);
  });

  it('a FIFO or /dev/zero given as the image is refused at once (exit 1), never read or waited on', () => {
    const fifo = path.join(dir, 'image.fifo');
    execFileSync('mkfifo', [fifo]);
    for (const p of [fifo, '/dev/zero']) {
      const r = runCli(['image', 'inspect', p, '--json'], { timeoutMs: 20_000 });
      expect(r.code, p).toBe(1);
      expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'image-not-a-file', file: p });
      expect(r.stderr).toContain(`${p}: is not a regular file`);
    }
  });

  it('a malformed image exits 1 with file:line, the message and the code', () => {
    const bad = path.join(dir, 'bad.hex');
    fs.writeFileSync(bad, ':0100000001FE\n:01000100FF01\n:00000001FF\n');
    const r = runCli(['image', 'inspect', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}:2: `);
    expect(r.stderr).toContain('[checksum-mismatch]');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
