import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImageFormatError } from '../../src/errors.js';
import { openImage } from '../../src/images/open.js';
import { tmpDir } from '../helpers/tmp.js';
import { intelHex, sparseImage, srec, type Segment } from '../images/writers.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
/** Expanded bytes read per mutated file before moving on: a mutated header may honestly declare terabytes. */
const READ_CAP = 32 << 20;
const dir = tmpDir('gangflash-fuzz-');

function seeded(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (Math.imul(i + seed, 2654435761) >>> 13) & 0xff;
  return b;
}

const segs: Segment[] = [
  { addr: 0x10, bytes: seeded(300, 1) },
  { addr: 0x1000, bytes: Buffer.alloc(200, 0xff) },
  { addr: 0x10010, bytes: seeded(500, 2) },
];
const blocks = Buffer.alloc(16 * 512, 0xff);
seeded(3 * 512, 3).copy(blocks, 0);
blocks.fill(0x44, 5 * 512, 8 * 512);
blocks.fill(Buffer.from([9, 8, 7, 6]), 8 * 512, 10 * 512);
crypto.randomFillSync(blocks, 13 * 512, 512);

const plain: Record<string, Buffer> = {
  raw: seeded(5000, 4),
  ihex: Buffer.from(intelHex(segs, { recordLength: 32 })),
  srec: Buffer.from(srec(segs, { dataType: 2, recordLength: 40 })),
  sparse: sparseImage(blocks, { blockSize: 512, dontCare: true, crcEvery: 2, maxRawBlocks: 2 }),
};
const bases: Record<string, Buffer> = { ...plain };
for (const [k, v] of Object.entries(plain)) bases[`${k}.gz`] = zlib.gzipSync(v);

type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; edits: [number, number][] }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; n: number }
  | { kind: 'word'; at: number; value: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('word' as const), at: fc.nat(64), value: fc.integer({ min: 0, max: 0xffffffff }) }),
);

function mutate(b: Buffer, m: Mutation): Buffer {
  const at = (x: number) => (b.length ? x % b.length : 0);
  switch (m.kind) {
    case 'truncate':
      return b.subarray(0, at(m.at));
    case 'flip': {
      const c = Buffer.from(b);
      for (const [p, v] of m.edits) if (c.length) c[at(p)] = v;
      return c;
    }
    case 'insert':
      return Buffer.concat([b.subarray(0, at(m.at)), m.bytes, b.subarray(at(m.at))]);
    case 'delete':
      return Buffer.concat([b.subarray(0, at(m.at)), b.subarray(at(m.at) + m.n)]);
    case 'word': {
      const c = Buffer.from(b);
      if (m.at + 4 <= c.length) c.writeUInt32LE(m.value, m.at);
      return c;
    }
  }
}

/** Reads every extent (up to READ_CAP expanded bytes); returns the error thrown, if any. */
async function readAll(p: string, chunkSize: number): Promise<unknown> {
  try {
    const src = await openImage(p, { chunkSize });
    let seen = 0;
    for await (const e of src.extents()) {
      seen += e.length;
      if (seen > READ_CAP) break;
    }
    return undefined;
  } catch (e) {
    return e;
  }
}

describe('mutated images', () => {
  it('every failure on a mutated or truncated image of any format is an ImageFormatError', { timeout: Math.max(60_000, RUNS * 100) }, async () => {
    let n = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(bases)),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 64, max: 4096 }),
        fc.boolean(),
        async (name, ms, chunkSize, gzipAfter) => {
          let b = bases[name];
          for (const m of ms) b = mutate(b, m);
          if (gzipAfter && !name.endsWith('.gz')) b = zlib.gzipSync(b);
          const p = path.join(dir, `m${n++ % 8}`);
          fs.writeFileSync(p, b);
          const e = await readAll(p, chunkSize);
          if (e !== undefined && !(e instanceof ImageFormatError)) throw e;
          if (e instanceof ImageFormatError) {
            expect(e.file).toBe(p);
            refused++;
          }
        },
      ),
      { numRuns: RUNS, timeout: 10_000 },
    );
    expect(refused).toBeGreaterThan(RUNS / 10); // the mutations do reach the checks
  });
});

/** Hostile shapes: a sparse header and chunks with random (often huge) block counts, HEX records at high addresses, gzip of long runs. */
const hostile: fc.Arbitrary<{ name: string; bytes: Buffer }> = fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 0xffffffff }), fc.constantFrom(0xcac1, 0xcac2, 0xcac3), fc.constantFrom(512, 4096, 1 << 20)).map(([total, chunks, blocks, type, bs]) => {
    const b = Buffer.alloc(28 + 16);
    b.writeUInt32LE(0xed26ff3a, 0);
    b.writeUInt16LE(1, 4);
    b.writeUInt16LE(28, 8);
    b.writeUInt16LE(12, 10);
    b.writeUInt32LE(bs, 12);
    b.writeUInt32LE(total, 16);
    b.writeUInt32LE(chunks, 20);
    b.writeUInt16LE(type, 28);
    b.writeUInt32LE(blocks, 32);
    b.writeUInt32LE(type === 0xcac2 ? 16 : type === 0xcac3 ? 12 : (12 + blocks * bs) % 2 ** 32, 36);
    return { name: 'sparse-claim', bytes: b };
  }),
  fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff })).map(([hi, lo]) => ({
    name: 'ihex-high',
    bytes: Buffer.from(intelHex([{ addr: hi * 0x10000 + lo, bytes: seeded(16, hi) }], { recordLength: 16 })),
  })),
  fc.integer({ min: 1, max: 16 }).map((mib) => ({ name: 'gzip-run', bytes: zlib.gzipSync(Buffer.alloc(mib << 20)) })),
  fc.string({ maxLength: 40 }).map((s) => ({ name: 'ihex-corrupt', bytes: Buffer.from(`:10${s}\n`) })),
);

describe('hostile images against a size limit', () => {
  it('with maxBytes, reading any hostile image yields no extent past the limit and fails only with an ImageFormatError', { timeout: Math.max(60_000, RUNS * 200) }, async () => {
    const MAX = 1 << 20;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(hostile, async ({ bytes }) => {
        const p = path.join(dir, `h${n++ % 8}`);
        fs.writeFileSync(p, bytes);
        let end = 0;
        try {
          const src = await openImage(p, { maxBytes: MAX });
          for await (const e of src.extents()) end = Math.max(end, e.offset + e.length);
        } catch (e) {
          if (!(e instanceof ImageFormatError)) throw e;
          expect(e.file).toBe(p);
        }
        expect(end).toBeLessThanOrEqual(MAX);
      }),
      { numRuns: Math.min(RUNS, 200), timeout: 10_000 },
    );
  });
});
