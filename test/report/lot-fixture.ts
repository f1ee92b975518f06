// A synthetic finished lot for the report and dashboard tests: 2 programmers × 4 sites, 60 devices.
import { EMMC, fixture, type Fixture } from '../planning/fixtures.js';

/** Devices, their expected counts, and the fixture they live in. */
export interface LotFixture {
  f: Fixture;
  lot: string;
  devices: number;
  passed: number;
  failed: number;
  programmers: number[];
}

/**
 * Lot LOT-7 (reel R1, 60 devices, 10 a minute from 2026-02-02T08:00Z): device n runs on programmer 1 + (n % 2),
 * site n % 4. Every 15th device fails for good with id-mismatch; otherwise site 3 of P-B fails its first attempt
 * with bad-contact and the device passes on a retry on P-B site 0. Serials carry a comma and a quote to exercise CSV quoting.
 */
export function finishedLot(dir: string, name = 'lot.db'): LotFixture {
  const f = fixture(dir, name).family('gang', ['emmc']).model('G4', 'gang', 4).chip(EMMC);
  f.adapterType({ id: 'bga153-a', package: 'BGA153', w: 11.5, l: 13, pitch: 0.5, rated: 10_000, families: ['gang'] });
  const pa = f.programmer('P-A', 'G4', 4);
  const pb = f.programmer('P-B', 'G4', 4);
  const adapters: Record<string, number> = {};
  for (const p of [pa, pb]) for (let s = 0; s < 4; s++) adapters[`${p}:${s}`] = f.adapter(`AD-${p}-${s}`, 'bga153-a', { programmer: p, site: s });
  f.lot('LOT-7', EMMC.part, { qty: 60, sha: 'ee'.repeat(32) });
  let passed = 0;
  let failed = 0;
  for (let n = 1; n <= 60; n++) {
    const p = n % 2 === 0 ? pa : pb;
    const site = n % 4;
    const start = new Date(Date.UTC(2026, 1, 2, 8, 0, 0) + n * 6_000).toISOString();
    const serial = `SN,"${String(n).padStart(4, '0')}"`;
    const base = { lot: 'LOT-7', seq: n, programmer: p, site, adapter: adapters[`${p}:${site}`], start, durationSec: 5, serial };
    if (n % 15 === 0) {
      f.attempt({ ...base, result: 'fail', code: 'id-mismatch', stage: 'id', serial: undefined });
      failed++;
    } else if (p === pb && site === 3) {
      f.attempt({ ...base, result: 'fail', code: 'bad-contact', stage: 'id', final: false });
      f.attempt({ ...base, attempt: 2, site: 0, adapter: adapters[`${p}:0`], start: new Date(Date.parse(start) + 5_500).toISOString(), result: 'pass' });
      passed++;
    } else {
      f.attempt({ ...base, result: 'pass' });
      passed++;
    }
  }
  return { f, lot: 'LOT-7', devices: 60, passed, failed, programmers: [pa, pb] };
}

/**
 * Two more lots in the same fixture: LOT-W, 50 devices finished over about 100 days at odd millisecond times (the
 * timeline's step falls past a day and devices land on bucket edges), every 7th failing with a code holding HTML and
 * CSV specials; and LOT-E, planned but with no device finished (empty charts, an empty device list).
 */
export function moreLots(lf: LotFixture): void {
  const { f, programmers } = lf;
  f.lot('LOT-W', 'TEST-EMMC16', { qty: 50, reel: 'R<1>', sha: 'ab'.repeat(32) });
  f.lot('LOT-E', 'TEST-EMMC16', { qty: 5 });
  const t0 = Date.UTC(2026, 2, 1, 0, 0, 0, 123);
  for (let n = 1; n <= 50; n++) {
    const failed = n % 7 === 0;
    // Durations of whole seconds; starts 2 days and an odd number of ms apart, one exactly on a 3-day edge.
    const start = n === 25 ? new Date(Date.UTC(2026, 2, 1) + 3 * 86_400_000 * 17 - 1000).toISOString() : new Date(t0 + n * 2 * 86_400_000 + n * 37).toISOString();
    f.attempt({
      lot: 'LOT-W', reel: 'R<1>', seq: n, programmer: programmers[n % 2], site: n % 4, adapter: null, start, durationSec: 1,
      result: failed ? 'fail' : 'pass', code: failed ? `code "x" & <y>,${n % 3}` : undefined, stage: failed ? 'verify' : undefined,
      serial: failed ? undefined : `W-${n}`,
    });
  }
}
