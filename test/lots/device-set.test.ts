import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeviceSet } from '../../src/lots/device-set.js';

describe('a set of devices by reel and sequence', () => {
  it('holds exactly the devices added, whatever the order, reels and repeats', () => {
    const device = fc.tuple(fc.constantFrom('R1', 'R2', 'R<3>', ''), fc.integer({ min: 1, max: 5_000 }));
    fc.assert(
      fc.property(fc.array(device, { maxLength: 300 }), fc.array(device, { maxLength: 100 }), (added, probes) => {
        const set = new DeviceSet();
        const ref = new Set<string>();
        for (const [reel, seq] of added) {
          set.add(reel, seq);
          ref.add(`${reel}\u0000${seq}`);
        }
        expect(set.size).toBe(ref.size);
        for (const [reel, seq] of [...added, ...probes]) expect(set.has(reel, seq)).toBe(ref.has(`${reel}\u0000${seq}`));
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 200) },
    );
  });

  it('a sequence number that names no device (0, negative, fractional) is never held', () => {
    const set = new DeviceSet();
    for (const seq of [0, -1, 1.5, Number.NaN]) set.add('R1', seq);
    expect(set.size).toBe(0);
    expect([0, -1, 1.5, 1].map((seq) => set.has('R1', seq))).toEqual([false, false, false, false]);
  });

  it('a reel of 300,000 devices, every other one added: those are held and no other', () => {
    const set = new DeviceSet();
    for (let seq = 1; seq <= 300_000; seq += 2) set.add('R1', seq);
    expect(set.size).toBe(150_000);
    expect([1, 2, 299_999, 300_000, 300_001].map((seq) => set.has('R1', seq))).toEqual([true, false, true, false, false]);
  });
});
