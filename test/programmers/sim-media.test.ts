import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SiteMedia } from '../../src/programmers/sim/media.js';

const runs = Number(process.env.FUZZ_RUNS ?? 300);
const UNITS = 64;

/** One thing that happens to a site's device. */
type Op =
  | { kind: 'stream'; from: number; n: number; skip: number[]; salt: number; bulk: boolean }
  | { kind: 'write'; u: number; crc: number } | { kind: 'erase'; u: number } | { kind: 'eraseAll' };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('stream' as const), from: fc.nat(UNITS - 1), n: fc.integer({ min: 1, max: UNITS }), skip: fc.array(fc.nat(UNITS - 1), { maxLength: 4 }), salt: fc.nat(), bulk: fc.boolean() }),
  fc.record({ kind: fc.constant('write' as const), u: fc.nat(UNITS - 1), crc: fc.nat() }),
  fc.record({ kind: fc.constant('erase' as const), u: fc.nat(UNITS - 1) }),
  fc.constant({ kind: 'eraseAll' as const }),
);

describe('sim site media', () => {
  it('holds exactly what was last written to each unit, shared stream digests or its own, unit by unit and read back in one pass', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const media = new SiteMedia(UNITS);
        const model = new Map<number, number>();
        for (const o of ops) {
          if (o.kind === 'stream') {
            // one program stream: its digests are shared; units in `skip` are written differently by this site
            const src = Uint32Array.from({ length: UNITS }, (_, i) => (i * 2654435761 + o.salt) >>> 0);
            const end = Math.min(UNITS, o.from + o.n);
            if (o.bulk) {
              // the same stream recorded in one step, then the units this site wrote differently
              media.writeSharedRange(o.from, end, src);
              for (let u = o.from; u < end; u++) model.set(u, src[u]);
              for (const u of o.skip.filter((k) => k >= o.from && k < end)) {
                media.write(u, src[u] ^ 1);
                model.set(u, (src[u] ^ 1) >>> 0);
              }
              continue;
            }
            for (let u = o.from; u < end; u++) {
              if (o.skip.includes(u)) {
                media.write(u, src[u] ^ 1);
                model.set(u, (src[u] ^ 1) >>> 0);
              } else {
                media.writeShared(u, src, u);
                model.set(u, src[u]);
              }
            }
          } else if (o.kind === 'write') {
            media.write(o.u, o.crc);
            model.set(o.u, o.crc >>> 0);
          } else if (o.kind === 'erase') {
            media.eraseUnit(o.u);
            model.delete(o.u);
          } else {
            media.eraseAll();
            model.clear();
          }
        }
        const n = UNITS - (ops.length % 3); // a read-back may stop short of the media's end
        const got = new Uint32Array(n);
        const written = new Uint8Array(n);
        media.readBack(n, got, written);
        for (let u = 0; u < UNITS; u++) {
          expect(media.isWritten(u)).toBe(model.has(u));
          if (model.has(u)) expect(media.digest(u)).toBe(model.get(u));
          if (u < n) expect([written[u], written[u] === 1 ? got[u] : undefined]).toEqual([model.has(u) ? 1 : 0, model.get(u)]);
        }
      }),
      { numRuns: runs },
    );
  });
});
