import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ImageFormatError } from '../../src/errors.js';
import { tmpDir } from '../helpers/tmp.js';
import { expandImage } from './expand.js';
import { hexRecord, intelHex, sparseImage, srec, srecRecord, type Segment } from './writers.js';

const dir = tmpDir('gangflash-badimg-');
let seq = 0;
function put(name: string, bytes: Uint8Array | string): string {
  const p = path.join(dir, `${seq++}-${name}`);
  fs.writeFileSync(p, bytes);
  return p;
}

/** Reads the file and returns the ImageFormatError it fails with. */
async function failure(p: string): Promise<ImageFormatError> {
  try {
    await expandImage(p);
  } catch (e) {
    expect(e).toBeInstanceOf(ImageFormatError);
    const err = e as ImageFormatError;
    expect(err.file).toBe(p);
    return err;
  }
  throw new Error(`${p} was read without error`);
}

const seg = (addr: number, n: number, v = 0x11): Segment => ({ addr, bytes: new Uint8Array(n).fill(v) });
const hexLines = (segs: Segment[]) => intelHex(segs).trimEnd().split('\n');
const srecLines = (segs: Segment[]) => srec(segs, { dataType: 1 }).trimEnd().split('\n');
const join = (lines: string[]) => lines.join('\n') + '\n';
/** Flips the last hex digit of a record's checksum. */
const badSum = (line: string) => line.slice(0, -1) + (line.endsWith('0') ? '1' : '0');

describe('Intel HEX bad input names the line', () => {
  it('a checksum error is reported on its line', async () => {
    const lines = hexLines([seg(0, 64)]);
    lines[2] = badSum(lines[2]);
    const e = await failure(put('sum.hex', join(lines)));
    expect([e.code, e.line]).toEqual(['checksum-mismatch', 3]);
  });

  it('an unknown record type is reported on its line', async () => {
    const lines = hexLines([seg(0, 32)]);
    lines.splice(1, 0, hexRecord(0x06, 0, [1, 2]));
    const e = await failure(put('type.hex', join(lines)));
    expect([e.code, e.line]).toEqual(['unknown-record-type', 2]);
  });

  it('overlapping and out-of-order records are reported on the later line', async () => {
    const overlap = join([hexRecord(0, 0x10, [1, 2, 3, 4]), hexRecord(0, 0x12, [5, 6]), hexRecord(1, 0, [])]);
    const e1 = await failure(put('overlap.hex', overlap));
    expect([e1.code, e1.line]).toEqual(['overlapping-records', 2]);
    const order = join([hexRecord(0, 0x20, [1]), hexRecord(0, 0x21, [2]), hexRecord(0, 0x10, [3]), hexRecord(1, 0, [])]);
    const e2 = await failure(put('order.hex', order));
    expect([e2.code, e2.line]).toEqual(['overlapping-records', 3]);
  });

  it('a file cut inside a record is reported on the cut line', async () => {
    const text = intelHex([seg(0, 100)]);
    const cut = text.slice(0, text.indexOf('\n', 40) + 12);
    const e = await failure(put('cut.hex', cut));
    expect(e.code).toBe('bad-record');
    expect(e.line).toBe(cut.split('\n').length);
  });

  it('a file cut at a line boundary lacks its end-of-file record', async () => {
    const lines = hexLines([seg(0, 100)]);
    const e = await failure(put('noeof.hex', join(lines.slice(0, 4))));
    expect([e.code, e.line]).toEqual(['missing-end-record', 4]);
  });

  it('a record whose length byte disagrees with the line, a non-hex digit and data after EOF are refused', async () => {
    const good = hexRecord(0, 0, [1, 2, 3]);
    const e1 = await failure(put('len.hex', join([good.slice(0, 1) + '05' + good.slice(3), hexRecord(1, 0, [])])));
    expect([e1.code, e1.line]).toEqual(['bad-record', 1]);
    const e2 = await failure(put('digit.hex', join([good, good.slice(0, 9) + 'G' + good.slice(10), hexRecord(1, 0, [])])));
    expect([e2.code, e2.line]).toEqual(['bad-record', 2]);
    const e3 = await failure(put('after.hex', join([good, hexRecord(1, 0, []), hexRecord(0, 0x10, [9])])));
    expect([e3.code, e3.line]).toEqual(['data-after-end', 3]);
  });

  it('an endless line is refused without buffering it', async () => {
    const e = await failure(put('long.hex', ':' + '0'.repeat(5000)));
    expect([e.code, e.line]).toEqual(['line-too-long', 1]);
  });
});

describe('S-record bad input names the line', () => {
  it('a checksum error is reported on its line', async () => {
    const lines = srecLines([seg(0, 64)]);
    lines[3] = badSum(lines[3]);
    const e = await failure(put('sum.srec', join(lines)));
    expect([e.code, e.line]).toEqual(['checksum-mismatch', 4]);
  });

  it('the reserved S4 type is an unknown record type', async () => {
    const lines = srecLines([seg(0, 32)]);
    lines.splice(2, 0, srecRecord(4, 2, 0, [1]));
    const e = await failure(put('s4.srec', join(lines)));
    expect([e.code, e.line]).toEqual(['unknown-record-type', 3]);
  });

  it('overlapping records are reported on the later line', async () => {
    const text = join([srecRecord(1, 2, 0x100, [1, 2, 3]), srecRecord(1, 2, 0x101, [4]), srecRecord(9, 2, 0, [])]);
    const e = await failure(put('overlap.srec', text));
    expect([e.code, e.line]).toEqual(['overlapping-records', 2]);
  });

  it('a wrong S5 record count and a file cut after its data are refused', async () => {
    const e1 = await failure(put('count.srec', join([srecRecord(1, 2, 0, [1]), srecRecord(5, 2, 7, [])])));
    expect([e1.code, e1.line]).toEqual(['bad-record-count', 2]);
    const lines = srecLines([seg(0, 100)]);
    const e2 = await failure(put('cut.srec', join(lines.slice(0, 5))));
    expect([e2.code, e2.line]).toEqual(['missing-end-record', 5]);
  });
});

/** A valid sparse image (4 KiB blocks): RAW, FILL, DONT_CARE, RAW, with a CRC32 chunk after every chunk. */
function sparse(): Buffer {
  const c = Buffer.alloc(4096 * 6, 0xff);
  c.fill(0x5a, 0, 8192);
  for (let i = 0; i < 4096; i++) c[i] = i & 0xff;
  c.fill(0x33, 4096 * 5);
  c[4096 * 5 + 7] = 1;
  return sparseImage(c, { dontCare: true, crcEvery: 1 });
}

describe('Android sparse bad input names the byte offset', () => {
  it('header fields that disagree are refused at their offset', async () => {
    for (const [field, at, value, width] of [
      ['file_hdr_sz', 8, 32, 2],
      ['chunk_hdr_sz', 10, 16, 2],
      ['blk_sz', 12, 4098, 4],
      ['major', 4, 2, 2],
    ] as const) {
      const img = sparse();
      if (width === 2) img.writeUInt16LE(value, at);
      else img.writeUInt32LE(value, at);
      const e = await failure(put(`${field}.simg`, img));
      expect([field, e.code, e.offset]).toEqual([field, 'sparse-bad-header', at]);
    }
  });

  it('a chunk whose total size disagrees with its type is refused at the chunk', async () => {
    const img = sparse();
    img.writeUInt32LE(12 + 4096 + 4, 28 + 8);
    const e = await failure(put('chunk.simg', img));
    expect([e.code, e.offset]).toEqual(['sparse-bad-chunk', 28]);
  });

  it('an unknown chunk type is refused at the chunk', async () => {
    const img = sparse();
    img.writeUInt16LE(0xcac9, 28);
    const e = await failure(put('ctype.simg', img));
    expect([e.code, e.offset]).toEqual(['sparse-bad-chunk', 28]);
  });

  it('a block total that disagrees with the chunks is refused', async () => {
    const more = sparse();
    more.writeUInt32LE(7, 16);
    const e1 = await failure(put('more.simg', more));
    expect([e1.code, e1.offset]).toEqual(['sparse-block-count', more.length]);
    const fewer = sparse();
    fewer.writeUInt32LE(2, 16);
    const e2 = await failure(put('fewer.simg', fewer));
    expect(e2.code).toBe('sparse-block-count');
    expect(e2.offset).toBeGreaterThan(28);
  });

  it('a chunk count that disagrees with the file is refused', async () => {
    const img = sparse();
    const n = img.readUInt32LE(20);
    img.writeUInt32LE(n + 1, 20);
    const e1 = await failure(put('count+.simg', img));
    expect([e1.code, e1.offset]).toEqual(['truncated', img.length]);
    img.writeUInt32LE(n - 1, 20);
    const e2 = await failure(put('count-.simg', img));
    expect(e2.code).toBe('sparse-trailing-data');
  });

  it('a CRC32 chunk that does not match the content is refused at the chunk', async () => {
    const img = sparse();
    img[28 + 12 + 100] ^= 0xff; // a byte of the first RAW chunk
    const e = await failure(put('crc.simg', img));
    expect([e.code, e.offset]).toEqual(['sparse-crc-mismatch', 28 + 12 + 4096]);
  });

  it('a file cut inside a chunk or the header is truncated at its end', async () => {
    const img = sparse();
    const e1 = await failure(put('cut.simg', img.subarray(0, 28 + 12 + 1000)));
    expect([e1.code, e1.offset]).toEqual(['truncated', 28 + 12 + 1000]);
    const e2 = await failure(put('cuthdr.simg', img.subarray(0, 20)));
    expect([e2.code, e2.offset]).toEqual(['truncated', 20]);
  });

  it('a header claiming more than 2^53 bytes is refused without allocating', async () => {
    const img = sparse();
    img.writeUInt32LE(0xfffffffc, 12);
    img.writeUInt32LE(0xffffffff, 16);
    const e = await failure(put('huge.simg', img));
    expect([e.code, e.offset]).toEqual(['sparse-bad-header', 16]);
  });

  it('a 16 TiB don\'t-care image is streamed as one fill extent, not allocated', async () => {
    const h = Buffer.alloc(28 + 12);
    h.writeUInt32LE(0xed26ff3a, 0);
    h.writeUInt16LE(1, 4);
    h.writeUInt16LE(28, 8);
    h.writeUInt16LE(12, 10);
    h.writeUInt32LE(4096, 12);
    h.writeUInt32LE(0xffffffff, 16);
    h.writeUInt32LE(1, 20);
    h.writeUInt16LE(0xcac3, 28);
    h.writeUInt32LE(0xffffffff, 32);
    h.writeUInt32LE(12, 36);
    const { openImage } = await import('../../src/images/open.js');
    const src = await openImage(put('dc.simg', h));
    const extents = [];
    for await (const e of src.extents()) extents.push(e);
    expect(src.size).toBe(4096 * 0xffffffff);
    expect(extents).toEqual([{ offset: 0, length: 4096 * 0xffffffff, fill: 0xff, dontCare: true }]);
  });
});

describe('gzip bad input names the compressed byte offset', () => {
  const payload = Buffer.from(intelHex([{ addr: 0, bytes: Buffer.from(Array.from({ length: 20000 }, (_, i) => (i * 7919) & 0xff)) }]));

  it('a gzip stream that ends early is refused with the compressed offset where it ends', async () => {
    const gz = zlib.gzipSync(payload);
    const cut = gz.subarray(0, Math.floor(gz.length / 2));
    const e = await failure(put('cut.hex.gz', cut));
    expect([e.code, e.offset]).toEqual(['gzip-truncated', cut.length]);
  });

  it('corrupt compressed data is refused as gzip-corrupt', async () => {
    const gz = zlib.gzipSync(payload);
    gz.writeUInt32LE(gz.readUInt32LE(gz.length - 8) ^ 1, gz.length - 8); // the stored CRC-32
    const e = await failure(put('crc.hex.gz', gz));
    expect(e.code).toBe('gzip-corrupt');
    expect(e.offset).toBeLessThan(gz.length);
    expect(e.message).toMatch(/compressed byte offset/);
  });
});
