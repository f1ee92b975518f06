import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { inspectImage } from '../../src/images/inspect.js';
import { tmpDir } from '../helpers/tmp.js';
import { expandImage, sha256 } from './expand.js';
import { sparseImage } from './writers.js';

const dir = tmpDir('gangflash-tools-');

function has(tool: string): boolean {
  const ok = spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
  if (!ok) console.log(`skipping ${tool} tests: ${tool} is not installed (apt-get install android-sdk-libsparse-utils srecord binutils)`);
  return ok;
}
const hasImg2simg = has('img2simg');
const hasSimg2img = has('simg2img');
const hasSrecCat = has('srec_cat');
const hasObjcopy = has('objcopy');

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
}

/** 64 blocks of 4 KiB: random, 0xFF, 0x00, a repeated 4-byte pattern and random again. */
function blockImage(): Buffer {
  const b = Buffer.alloc(64 * 4096, 0xff);
  crypto.randomFillSync(b, 0, 10 * 4096);
  b.fill(0x00, 20 * 4096, 30 * 4096);
  b.fill(Buffer.from([1, 2, 3, 4]), 30 * 4096, 40 * 4096);
  crypto.randomFillSync(b, 50 * 4096, 14 * 4096);
  return b;
}

/** Writes a file of `n` random bytes and returns [path, bytes]. */
function randomFile(name: string, n: number): [string, Buffer] {
  const b = crypto.randomBytes(n);
  const p = path.join(dir, name);
  fs.writeFileSync(p, b);
  return [p, b];
}

describe('images written by other tools read back exactly', () => {
  it.skipIf(!hasImg2simg)('img2simg output, plain and gzip-compressed, expands to the raw original', async () => {
    const raw = blockImage();
    const rawPath = path.join(dir, 'a.bin');
    const simg = path.join(dir, 'a.simg');
    fs.writeFileSync(rawPath, raw);
    run('img2simg', [rawPath, simg]);
    expect((await expandImage(simg)).equals(raw)).toBe(true);
    fs.writeFileSync(`${simg}.gz`, zlib.gzipSync(fs.readFileSync(simg)));
    const r = await inspectImage(`${simg}.gz`);
    expect([r.format, r.gzip, r.size, r.sha256]).toEqual(['sparse', true, raw.length, sha256(raw)]);
  });

  it.skipIf(!hasSimg2img)('simg2img expands our sparse writer output, CRC32 chunks included, to the same bytes', async () => {
    const raw = blockImage();
    const simg = path.join(dir, 'ours.simg');
    const back = path.join(dir, 'ours.raw');
    fs.writeFileSync(simg, sparseImage(raw, { crcEvery: 2, maxRawBlocks: 7 }));
    run('simg2img', [simg, back]);
    expect(fs.readFileSync(back).equals(raw)).toBe(true);
    expect((await expandImage(simg)).equals(raw)).toBe(true);
  });

  it.skipIf(!hasSrecCat)('srec_cat S-record and Intel HEX output with an address gap expands with 0xFF in the gap', async () => {
    const [a, ab] = randomFile('sa.bin', 5000);
    const [b, bb] = randomFile('sb.bin', 70000);
    const want = Buffer.alloc(0x12000 + bb.length, 0xff);
    ab.copy(want, 0x100);
    bb.copy(want, 0x12000);
    for (const [out, fmt] of [['s.srec', []], ['s3.srec', ['-address-length=4']], ['s.hex', ['-intel']]] as const) {
      const p = path.join(dir, out);
      run('srec_cat', [a, '-binary', '-offset', '0x100', b, '-binary', '-offset', '0x12000', '-o', p, ...fmt]);
      expect((await expandImage(p)).equals(want)).toBe(true);
    }
  });

  it.skipIf(!hasObjcopy)('objcopy S-record and Intel HEX output at an offset expands with the fill value before it', async () => {
    const [a, ab] = randomFile('oa.bin', 9000);
    const want = Buffer.alloc(0x20000 + ab.length, 0x00);
    ab.copy(want, 0x20000);
    for (const fmt of ['srec', 'ihex']) {
      const p = path.join(dir, `o.${fmt}`);
      run('objcopy', ['-I', 'binary', '-O', fmt, '--change-addresses', '0x20000', a, p]);
      const r = await inspectImage(p, { fill: 0 });
      expect([r.format, r.size, r.sha256]).toEqual([fmt, want.length, sha256(want)]);
    }
  });
});
