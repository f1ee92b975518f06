import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inspectImage } from '../../src/images/inspect.js';
import { tmpDir } from '../helpers/tmp.js';
import { blankUnits, expandImage, sha256 } from './expand.js';
import { expandSegments, intelHex, sparseImage, srec, writeGzip, writeRaw, type Segment } from './writers.js';

const dir = tmpDir('gangflash-images-');
let seq = 0;
const file = (ext: string) => path.join(dir, `img${seq++}.${ext}`);
const RUNS = 40;

/** Random bytes, runs of 0xFF and runs of one repeated byte. */
const piece = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 700 }),
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 3000 })).map(([b, n]) => new Uint8Array(n).fill(b)),
  fc.integer({ min: 1, max: 70000 }).map((n) => new Uint8Array(n).fill(0xff)),
);
const content = fc.array(piece, { minLength: 1, maxLength: 5 }).map((ps) => Buffer.concat(ps));
const segments = fc
  .array(fc.record({ gap: fc.oneof(fc.constant(0), fc.nat(300), fc.nat(70000)), bytes: content }), { minLength: 1, maxLength: 4 })
  .map((list) => {
    let addr = 0;
    return list.map(({ gap, bytes }): Segment => {
      addr += gap;
      const s = { addr, bytes };
      addr += bytes.length;
      return s;
    });
  });
const chunkSize = fc.integer({ min: 64, max: 8192 });

/** Writes `bytes` to a new file, gzip-compressed when asked, and returns its path. */
function put(ext: string, bytes: Uint8Array | string, gz: boolean): string {
  const p = file(gz ? `${ext}.gz` : ext);
  if (gz) writeGzip(p, bytes);
  else fs.writeFileSync(p, bytes);
  return p;
}

/** Reads the file back and checks bytes, SHA-256, CRC-32 and the blank count against the original. */
async function checkSame(p: string, want: Buffer, opts: { fill?: number; chunkSize?: number }, format: string, gz: boolean) {
  const got = await expandImage(p, opts);
  expect(got.length).toBe(want.length);
  expect(got.equals(want)).toBe(true);
  const r = await inspectImage(p, opts);
  expect(r.format).toBe(format);
  expect(r.gzip).toBe(gz);
  expect(r.size).toBe(want.length);
  expect(r.sha256).toBe(sha256(want));
  expect(r.crc32).toBe(zlib.crc32(want).toString(16).padStart(8, '0'));
  expect(r.blankUnits).toBe(blankUnits(want));
}

describe('every format reads back the identical bytes and SHA-256 as the raw original', () => {
  it('raw, plain and gzip-compressed', async () => {
    await fc.assert(
      fc.asyncProperty(content, chunkSize, fc.boolean(), async (c, cs, gz) => {
        const raw = file('bin');
        writeRaw(raw, c);
        await checkSame(put('bin', c, gz), c, { chunkSize: cs }, 'raw', gz);
        expect((await inspectImage(raw)).sha256).toBe(sha256(c));
      }),
      { numRuns: RUNS },
    );
  });

  it('Intel HEX with random record lengths, address gaps, linear or segment addressing', async () => {
    await fc.assert(
      fc.asyncProperty(
        segments,
        fc.integer({ min: 1, max: 255 }),
        fc.constantFrom('linear', 'segment') as fc.Arbitrary<'linear' | 'segment'>,
        fc.constantFrom('\n', '\r\n'),
        fc.integer({ min: 0, max: 255 }),
        chunkSize,
        fc.boolean(),
        async (segs, recordLength, addressing, lineEnding, fill, cs, gz) => {
          const text = intelHex(segs, { recordLength, addressing, lineEnding, startRecord: recordLength % 2 === 0 });
          await checkSame(put('hex', text, gz), expandSegments(segs, fill), { fill, chunkSize: cs }, 'ihex', gz);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('S-record with S1/S2/S3 data, S5/S6 counts and S9/S8/S7 termination', async () => {
    await fc.assert(
      fc.asyncProperty(
        segments,
        fc.constantFrom(1, 2, 3) as fc.Arbitrary<1 | 2 | 3>,
        fc.integer({ min: 1, max: 250 }),
        fc.constantFrom([true, true], [true, false], [false, true]),
        fc.integer({ min: 0, max: 255 }),
        chunkSize,
        fc.boolean(),
        async (segs, type, recordLength, [count, termination], fill, cs, gz) => {
          const last = segs[segs.length - 1];
          const dataType = last.addr + last.bytes.length > 0x10000 && type === 1 ? 2 : type;
          const text = srec(segs, { dataType, recordLength, count, termination, lineEnding: fill % 2 ? '\r\n' : '\n' });
          await checkSame(put('srec', text, gz), expandSegments(segs, fill), { fill, chunkSize: cs }, 'srec', gz);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('Android sparse with RAW, FILL, DONT_CARE and CRC32 chunks', async () => {
    await fc.assert(
      fc.asyncProperty(
        content,
        fc.constantFrom(4, 16, 512, 4096),
        fc.record({ fill: fc.boolean(), dontCare: fc.boolean(), crcEvery: fc.nat(3), maxRawBlocks: fc.integer({ min: 1, max: 64 }) }),
        chunkSize,
        fc.boolean(),
        async (c, blockSize, o, cs, gz) => {
          const padded = Buffer.concat([c, Buffer.alloc((blockSize - (c.length % blockSize)) % blockSize, 0xff)]);
          const img = sparseImage(padded, { blockSize, ...o });
          await checkSame(put('simg', img, gz), padded, { chunkSize: cs }, 'sparse', gz);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
