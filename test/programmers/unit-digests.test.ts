import zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UnitDigester, type UnitDigest } from '../../src/programmers/unit-digests.js';
import { generateImage, type Piece } from '../contract/image-stream.js';

const piece = fc.oneof(
  fc.integer({ min: 1, max: 20_000 }).map((n): Piece => ({ data: n })),
  fc.record({ fill: fc.constantFrom(0x00, 0xff, 0x5a), length: fc.integer({ min: 1, max: 30_000 }), dontCare: fc.boolean() }),
);

describe('UnitDigester', () => {
  it('gives each unit the CRC-32 of exactly the bytes sent in it, with the sent ranges of partial units', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { minLength: 1, maxLength: 12 }), fc.constantFrom(4096, 16384, 65536), fc.boolean(), async (pieces, unitBytes, skip) => {
        const img = generateImage(pieces, 3, 7000);
        const bytes = img.bytes();
        const skipped = new Uint8Array(img.size);
        let at = 0;
        for (const p of pieces) {
          const len = 'data' in p ? p.data : p.length;
          if (!('data' in p) && skip && (p.dontCare || p.fill === 0xff)) skipped.fill(1, at, at + len);
          at += len;
        }
        const got: UnitDigest[] = [];
        const d = new UnitDigester({ unitBytes, skipFill: (f, dc) => skip && (dc || f === 0xff), onUnit: (u) => got.push(u) });
        for await (const e of img.extents()) d.feed(e);
        d.finish();
        expect(got.length).toBe(Math.ceil(img.size / unitBytes));
        for (const u of got) {
          const start = u.unit * unitBytes;
          let crc = 0;
          let sent = 0;
          for (let i = start; i < start + u.spanBytes; i++) {
            if (skipped[i]) continue;
            let j = i;
            while (j < start + u.spanBytes && !skipped[j]) j++;
            crc = zlib.crc32(bytes.subarray(i, j), crc);
            if (u.ranges) expect(u.ranges).toContainEqual([i - start, j - start]);
            sent += j - i;
            i = j - 1;
          }
          expect([u.crc, u.sentBytes]).toEqual([crc, sent]);
          expect(u.ranges !== undefined).toBe(sent > 0 && sent < u.spanBytes);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('a tap changes one byte in one key\'s digest only', async () => {
    const img = generateImage([{ data: 10_000 }, { fill: 0x00, length: 30_000 }]);
    const got: UnitDigest[] = [];
    const d = new UnitDigester({ unitBytes: 16384, taps: [{ key: 5, unit: 1, offset: 100, xor: 0x80 }], onUnit: (u) => got.push(u) });
    for await (const e of img.extents()) d.feed(e);
    d.finish();
    const bytes = img.bytes();
    const unit1 = bytes.slice(16384, 32768);
    expect(got[1].crc).toBe(zlib.crc32(unit1));
    unit1[100] ^= 0x80;
    expect(got[1].taps?.get(5)).toBe(zlib.crc32(unit1));
    expect(got[0].taps).toBeUndefined();
  });

  it('refuses a stream that goes backwards or past the capacity', () => {
    const d = new UnitDigester({ unitBytes: 4096, capacity: 10_000, onUnit: () => undefined });
    d.feed({ offset: 0, length: 5000, fill: 1 });
    expect(() => d.feed({ offset: 4000, length: 10, fill: 1 })).toThrow(/goes back/);
    expect(() => d.feed({ offset: 6000, length: 5000, fill: 1 })).toThrow(/holds 10000 bytes/);
  });
});
