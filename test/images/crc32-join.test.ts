import zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32Join } from '../../src/images/crc32-join.js';

describe('crc32Join', () => {
  it('gives the CRC-32 of two runs of bytes back to back from the CRC-32 of each', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.uint8Array({ minLength: 1, maxLength: 3000 }), (a, b) => {
        const both = new Uint8Array(a.length + b.length);
        both.set(a);
        both.set(b, a.length);
        expect(crc32Join(zlib.crc32(a), zlib.crc32(b), b.length)).toBe(zlib.crc32(both));
      }),
      { numRuns: 200 },
    );
  });
});
