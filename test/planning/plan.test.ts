import { describe, expect, it } from 'vitest';
import { planLot } from '../../src/planning/plan.js';
import { tmpDir } from '../helpers/tmp.js';
import { EMMC, fixture, type Fixture } from './fixtures.js';

const dir = tmpDir();
let n = 0;

/**
 * The farm of the hand-checked cases:
 * - P1 (family gang: emmc, nand), 10 sites; adapters of BGA153-A (1 site, rated 10,000) on sites 0..7;
 *   site 7 disabled, the adapter on site 6 retired, the adapter on site 5 has 9,990 prior insertions (10 left);
 *   sites 8, 9 have no adapter. Healthy: sites 0..5 = 6 sites.
 * - P2 (family spi: spi-nor only), 2 sites carrying BGA153-A adapters: not healthy for eMMC.
 */
function farm(opts: { shelf?: boolean } = {}): Fixture {
  const f = fixture(dir, `plan-${++n}.db`);
  f.family('gang', ['emmc', 'nand']).family('spi', ['spi-nor']).model('G10', 'gang', 10).model('S2', 'spi', 2).chip(EMMC);
  f.adapterType({ id: 'BGA153-A', package: 'BGA153', w: 11.5, l: 13, pitch: 0.5, rated: 10_000, families: ['gang', 'spi'] });
  f.adapterType({ id: 'BGA153-L', package: 'BGA153', w: 14, l: 18, pitch: 0.5, rated: 10_000, families: ['gang'] });
  const p1 = f.programmer('P1', 'G10', 10);
  for (let s = 0; s < 8; s++) {
    f.adapter(`A${s}`, 'BGA153-A', { programmer: p1, site: s }, { prior: s === 5 ? 9_990 : 0, status: s === 6 ? 'retired' : 'ok' });
  }
  f.disableSite(p1, 7);
  const p2 = f.programmer('P2', 'S2', 2);
  f.adapter('B0', 'BGA153-A', { programmer: p2, site: 0 });
  f.adapter('B1', 'BGA153-A', { programmer: p2, site: 1 });
  if (opts.shelf) f.adapter('SHELF1', 'BGA153-A');
  return f;
}

// Monday 2 March 2026, 08:00 local time.
const monday8 = new Date(2026, 2, 2, 8, 0, 0);
// 1e9-byte image; eMMC writes everything that is not "don't care": 1e9 B / 20e6 B/s = 50 s, + 8 s handling = 58 s.
const image = { size: 1_000_000_000, blankBytes: 200_000_000 };

describe('planLot on the datasheet model', () => {
  it('counts only enabled sites with a fitting, live adapter on a programmer that drives the kind', () => {
    const plan = planLot(farm().db, { chip: EMMC.part, image, qty: 1000, now: monday8 });
    expect(plan.sites.healthy).toBe(6);
    expect(plan.sites.considered).toBe(12);
    const reasons = Object.fromEntries(plan.sites.unhealthy.map((u) => [`${u.programmer}:${u.site}`, u.reason]));
    expect(reasons['P1:6']).toMatch(/retired/);
    expect(reasons['P1:7']).toBe('disabled (test)');
    expect(reasons['P1:8']).toBe('no adapter mounted');
    expect(reasons['P2:0']).toMatch(/does not drive emmc/);
    expect(plan.adapterTypes.map((t) => t.id)).toEqual(['BGA153-A']);
    expect(plan.adapterTypes[0]).toMatchObject({ owned: 9, mounted: 9, healthySites: 6, onShelf: 0 });
  });

  it('derives cycles, hours and good parts for 1,000 eMMC devices by hand', () => {
    // cycle = 1e9 / 20e6 + 8 = 58 s. No history: insertions per device = 1 + defectRate = 1.01 -> 1,010 insertions.
    // cycles = ceil(1010 / 6) = 169 (6 × 168 = 1,008 < 1,010). hours = 169 × 58 / 3600 = 9,802 / 3,600.
    // good = round(1000 × (1 − 0.01)) = 990.
    const plan = planLot(farm().db, { chip: EMMC.part, image, qty: 1000, now: monday8 });
    expect(plan.cycle).toMatchObject({ basis: 'datasheet', seconds: 58, deviceSec: 50, handlingSec: 8 });
    expect(plan.insertions).toEqual({ basis: 'defect-rate', perDevice: 1.01, total: 1010 });
    expect(plan.devicesPerCycle).toBe(6);
    expect(plan.cycles).toBe(169);
    expect(plan.hours).toBeCloseTo(9802 / 3600, 9);
    expect(plan.expectedGood).toBe(990);
    expect(plan.yield).toEqual({ basis: 'defect-rate', value: 0.99, devices: 0 });
  });

  it('names the adapter that passes its rated life and orders its replacement', () => {
    // A5 has 10 insertions left and serves 1 site: 169 uses pass its life at cycle 10; the others use 169 of 10,000.
    const plan = planLot(farm().db, { chip: EMMC.part, image, qty: 1000, now: monday8 });
    expect(plan.passingLife).toEqual(['A5']);
    const a5 = plan.adapters.find((a) => a.serial === 'A5')!;
    expect(a5).toMatchObject({ used: 9990, left: 10, planUses: 169, leftAfter: -159, reachesLifeAtCycle: 10, passesLife: true });
    expect(plan.adapters.find((a) => a.serial === 'A0')).toMatchObject({ left: 10_000, planUses: 169, leftAfter: 9831, passesLife: false });
    expect(plan.order).toEqual([{ adapterType: 'BGA153-A', quantity: 1, reason: expect.stringMatching(/rated life/) }]);
  });

  it('answers a deadline that the farm meets with the sites it needs', () => {
    // Today from 08:00 at 24 h/day: 16 h = 57,600 s left = floor(57600 / 58) = 993 cycles; ceil(1010 / 993) = 2 sites.
    const plan = planLot(farm().db, { chip: EMMC.part, image, qty: 1000, now: monday8, by: '2026-03-02' });
    expect(plan.deadline).toMatchObject({ by: '2026-03-02', availableHours: 16, cyclesAvailable: 993, sitesNeeded: 2, sitesMissing: 0, feasible: true });
  });

  it('answers a deadline the farm misses with the sites and adapters to add', () => {
    // 20,000 devices × 1.01 = 20,200 insertions; 6 sites -> ceil(20200 / 6) = 3,367 cycles = 3367 × 58 / 3600 h.
    // By Wednesday at 16 h/day from Monday 08:00: 16 h today + 2 × 16 h = 48 h = 172,800 s -> floor(172800 / 58) = 2,979
    // cycles; ceil(20200 / 2979) = 7 sites needed (2,979 × 6 = 17,874 is short): 1 missing.
    // Order: A5 wears out and is replaced from the shelf; the missing site takes 1 more BGA153-A (2 free sites on P1).
    const plan = planLot(farm({ shelf: true }).db, { chip: EMMC.part, image, qty: 20_000, now: monday8, by: 'wednesday', hoursPerDay: 16 });
    expect(plan.cycles).toBe(3367);
    expect(plan.hours).toBeCloseTo((3367 * 58) / 3600, 9);
    expect(plan.deadline).toMatchObject({ by: '2026-03-04', availableHours: 48, cyclesAvailable: 2979, sitesNeeded: 7, sitesMissing: 1, feasible: false });
    expect(plan.order).toEqual([{ adapterType: 'BGA153-A', quantity: 1, reason: expect.stringMatching(/1 more healthy site.*2 free site/) }]);
  });

  it('refuses an unknown part with the nearest part numbers', () => {
    expect(() => planLot(farm().db, { chip: 'TEST-EMMC', image, qty: 10 })).toThrow(/TEST-EMMC16/);
  });
});

describe('planLot from measured history', () => {
  /**
   * 30 devices of the eMMC in lot H: first attempts last 40 s (seq 1..15) and 50 s (seq 16..30); seq 1..3 fail
   * their first attempt (bad-contact) and pass a 30 s second one; seq 4 and 5 fail for good.
   * Attempts 33: sorted 3×30, 15×40, 15×50 -> median (index 16) = 40 s -> cycle 40 + 8 = 48 s.
   * Final yield 28 / 30; insertions per device 33 / 30 = 1.1.
   */
  function withHistory(): Fixture {
    const f = farm();
    f.lot('H', EMMC.part, { sha: 'cd'.repeat(32), qty: 30 });
    for (let seq = 1; seq <= 30; seq++) {
      const start = `2026-02-01T10:${String(seq).padStart(2, '0')}:00.000Z`;
      const base = { lot: 'H', seq, programmer: 1, site: 0, adapter: null, start };
      if (seq <= 3) {
        f.attempt({ ...base, durationSec: 40, result: 'fail', code: 'bad-contact', stage: 'id', final: false });
        f.attempt({ ...base, attempt: 2, start: `2026-02-01T11:${String(seq).padStart(2, '0')}:00.000Z`, durationSec: 30, result: 'pass' });
      } else if (seq <= 5) {
        f.attempt({ ...base, durationSec: 40, result: 'fail', code: 'id-mismatch', stage: 'id' });
      } else {
        f.attempt({ ...base, durationSec: seq <= 15 ? 40 : 50, result: 'pass' });
      }
    }
    return f;
  }

  it('uses the median attempt time, the final yield and the retries of past lots of the chip', () => {
    // 300 devices × 1.1 = 330 insertions; ceil(330 / 6) = 55 cycles × 48 s = 2,640 s = 0.7333 h; good = 300 × 28/30 = 280.
    const plan = planLot(withHistory().db, { chip: EMMC.part, image: { ...image, sha256: 'cd'.repeat(32) }, qty: 300, now: monday8 });
    expect(plan.cycle).toMatchObject({ basis: 'history', seconds: 48, deviceSec: 40, handlingSec: 8 });
    expect(plan.cycle.detail).toMatch(/median of 33 attempts .* with this image/);
    expect(plan.insertions).toMatchObject({ basis: 'history', total: 330 });
    expect(plan.insertions.perDevice).toBeCloseTo(1.1, 12);
    expect(plan.cycles).toBe(55);
    expect(plan.hours).toBeCloseTo(2640 / 3600, 9);
    expect(plan.yield.basis).toBe('history');
    expect(plan.yield.value).toBeCloseTo(28 / 30, 12);
    expect(plan.expectedGood).toBe(280);
  });

  it('falls back to the chip-wide median when the image has no history of its own', () => {
    const plan = planLot(withHistory().db, { chip: EMMC.part, image: { ...image, sha256: 'ef'.repeat(32) }, qty: 300, now: monday8 });
    expect(plan.cycle.basis).toBe('history');
    expect(plan.cycle.detail).toMatch(/\(any image\)/);
  });

  it('keeps the datasheet model while history is below the threshold', () => {
    const plan = planLot(withHistory().db, { chip: EMMC.part, image, qty: 300, now: monday8, minHistory: 50 });
    expect(plan.cycle.basis).toBe('datasheet');
    expect(plan.yield.basis).toBe('defect-rate');
  });

  it('a given cycle time overrides history and the datasheet', () => {
    const plan = planLot(withHistory().db, { chip: EMMC.part, image, qty: 60, now: monday8, cycleSeconds: 100 });
    // 60 × 1.1 = 66 insertions -> 11 cycles × 100 s.
    expect(plan.cycle).toMatchObject({ basis: 'given', seconds: 100 });
    expect(plan.cycles).toBe(11);
    expect(plan.hours).toBeCloseTo(1100 / 3600, 9);
  });
});
