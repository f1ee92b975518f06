import { describe, expect, it } from 'vitest';
import type { Chip } from '../../src/catalog/chip.js';
import { datasheetCycleTime } from '../../src/planning/cycle-time.js';
import { EMMC, NAND, NOR, type ChipSpec } from './fixtures.js';

function chip(c: ChipSpec): Chip {
  return {
    part: c.part, vendor: 'T', kind: c.kind, package: c.package, bodyWmm: c.w, bodyLmm: c.l, pitchMm: c.pitch, capacityBytes: 1 << 30,
    idBytes: '00', geometry: c.geometry as Chip['geometry'], timings: c.timings, defectRate: c.defectRate ?? 0, source: 'test',
  };
}

describe('datasheet cycle time', () => {
  it('NAND programs the non-blank pages and erases the blocks the image spans', () => {
    // 1 MiB image, 256 KiB blank -> 786,432 B = 384 pages × 300 µs = 0.1152 s; 1 MiB / 128 KiB = 8 blocks × 2 ms = 0.016 s.
    const t = datasheetCycleTime(chip(NAND), { size: 1 << 20, blankBytes: 1 << 18 });
    expect(t.programmedBytes).toBe(786_432);
    expect(t.deviceSec).toBeCloseTo(0.1312, 12);
    expect(t.totalSec).toBeCloseTo(8.1312, 12);
    expect(t.formula).toBe('384 pages × 300 µs + 8 blocks × 2000 µs + 8 s handling');
  });

  it('a slow programmer bounds the time by its per-site bandwidth', () => {
    // 786,432 B at 1 MB/s = 0.786432 s, more than the chip's 0.1312 s.
    const t = datasheetCycleTime(chip(NAND), { size: 1 << 20, blankBytes: 1 << 18 }, { siteBytesPerSec: 1e6, handlingSec: 2 });
    expect(t.deviceSec).toBeCloseTo(0.786432, 12);
    expect(t.totalSec).toBeCloseTo(2.786432, 12);
    expect(t.formula).toMatch(/programmer-limited/);
  });

  it('eMMC writes every byte that is not "don\'t care" at its write speed', () => {
    // 1e9 B − 1e8 B don't care = 9e8 B / 20e6 B/s = 45 s; blank 0xFF data is still written on eMMC.
    const t = datasheetCycleTime(chip(EMMC), { size: 1e9, blankBytes: 5e8, dontCareBytes: 1e8 }, { handlingSec: 0 });
    expect(t.deviceSec).toBe(45);
  });

  it('SPI NOR programs pages and erases the sectors the image spans', () => {
    // 64 KiB: 256 pages × 700 µs = 0.1792 s; 16 sectors × 45 ms = 0.72 s; + 8 s.
    const t = datasheetCycleTime(chip(NOR), { size: 65_536, blankBytes: 0 });
    expect(t.totalSec).toBeCloseTo(8.8992, 12);
  });

  it('a chip without the needed timing uses the documented typical figure and says so', () => {
    // 1e9 B at the assumed 20 MB/s = 50 s.
    const t = datasheetCycleTime(chip({ ...EMMC, timings: { interfaceMHz: 200 } }), { size: 1e9, blankBytes: 0 }, { handlingSec: 0 });
    expect(t.deviceSec).toBe(50);
    expect(t.formula).toMatch(/writeBytesPerSec 20000000 assumed \(not in the catalog\)/);
  });
});
