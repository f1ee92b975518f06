import { describe, expect, it } from 'vitest';
import { forecastAdapters } from '../../src/planning/forecast.js';
import { tmpDir } from '../helpers/tmp.js';
import { EMMC, fixture } from './fixtures.js';

const dir = tmpDir();
const now = new Date('2026-03-01T00:00:00.000Z');

/** Adds `perDay` attempts a day on `adapter` for each of the `days` days before `now`. */
function history(f: ReturnType<typeof fixture>, adapter: number, perDay: number, days: number, seq0: number): number {
  let seq = seq0;
  for (let d = 1; d <= days; d++) {
    for (let i = 0; i < perDay; i++) {
      const start = new Date(now.getTime() - d * 86_400_000 + i * 1000).toISOString();
      f.attempt({ lot: 'L', seq: ++seq, programmer: 1, site: 0, adapter, start, durationSec: 1, result: 'pass' });
    }
  }
  return seq;
}

describe('adapter-life forecast', () => {
  it('measures insertions per day over the window and dates the rated life', () => {
    const f = fixture(dir).family('gang', ['emmc']).model('G', 'gang', 4).chip(EMMC);
    f.adapterType({ id: 'T', package: 'BGA153', w: 11.5, l: 13, pitch: 0.5, rated: 1000, families: ['gang'] });
    f.programmer('P', 'G', 4);
    const busy = f.adapter('BUSY', 'T', { programmer: 1, site: 0 }, { prior: 300 });
    const old = f.adapter('OLDHIST', 'T', { programmer: 1, site: 1 });
    f.adapter('IDLE', 'T', { programmer: 1, site: 2 });
    f.adapter('WORN', 'T', { programmer: 1, site: 3 }, { prior: 1000 });
    f.db.prepare("UPDATE adapters SET created_at = '2025-01-01T00:00:00.000Z'").run();
    f.lot('L', EMMC.part, { qty: 1000 });
    // BUSY: 10 a day for 14 days = 140 in a 2-week window -> 10/day. Used 300 + 140 = 440, left 560 -> 56 days
    // after 1 March 2026 = 26 April 2026.
    let seq = history(f, busy, 10, 14, 0);
    // OLDHIST: 50 insertions 30 days ago, outside the window: idle.
    for (let i = 0; i < 50; i++) {
      f.attempt({ lot: 'L', seq: ++seq, programmer: 1, site: 1, adapter: old, start: new Date(now.getTime() - 30 * 86_400_000 + i * 1000).toISOString(), durationSec: 1, result: 'pass' });
    }
    const rows = forecastAdapters(f.db, { weeks: 2, now });
    const by = Object.fromEntries(rows.map((r) => [r.serial, r]));
    expect(by.BUSY).toMatchObject({ used: 440, left: 560, windowDays: 14, insertionsInWindow: 140, insertionsPerDay: 10, daysLeft: 56, reachesLifeOn: '2026-04-26', state: 'wearing' });
    expect(by.OLDHIST).toMatchObject({ used: 50, insertionsInWindow: 0, insertionsPerDay: 0, reachesLifeOn: null, state: 'idle' });
    expect(by.IDLE.state).toBe('idle');
    expect(by.WORN).toMatchObject({ left: 0, state: 'past-life', daysLeft: 0, reachesLifeOn: '2026-03-01' });
    expect(rows.map((r) => r.serial)).toEqual(['WORN', 'BUSY', 'IDLE', 'OLDHIST']);
  });

  it('an adapter newer than the window is measured over its own age', () => {
    const f = fixture(dir, 'young.db').family('gang', ['emmc']).model('G', 'gang', 1).chip(EMMC);
    f.adapterType({ id: 'T', package: 'BGA153', w: 11.5, l: 13, pitch: 0.5, rated: 1000, families: ['gang'] });
    f.programmer('P', 'G', 1);
    const a = f.adapter('NEW', 'T', { programmer: 1, site: 0 });
    // Created 7 days before now; 70 insertions -> 10/day (not 70/28 = 2.5/day over the 4-week window).
    f.db.prepare('UPDATE adapters SET created_at = ?').run(new Date(now.getTime() - 7 * 86_400_000).toISOString());
    f.lot('L', EMMC.part, { qty: 1000 });
    history(f, a, 10, 7, 0);
    const [row] = forecastAdapters(f.db, { weeks: 4, now });
    expect(row).toMatchObject({ windowDays: 7, insertionsPerDay: 10, left: 930, daysLeft: 93 });
  });

  it('a burst on a two-minute-old adapter is too little history, not 1,920 insertions a day', () => {
    const f = fixture(dir, 'burst.db').family('gang', ['emmc']).model('G', 'gang', 1).chip(EMMC);
    f.adapterType({ id: 'T', package: 'BGA153', w: 11.5, l: 13, pitch: 0.5, rated: 5000, families: ['gang'] });
    f.programmer('P', 'G', 1);
    const a = f.adapter('FRESH', 'T', { programmer: 1, site: 0 });
    f.db.prepare('UPDATE adapters SET created_at = ?').run(new Date(now.getTime() - 120_000).toISOString());
    f.lot('L', EMMC.part, { qty: 1000 });
    for (let i = 0; i < 80; i++) f.attempt({ lot: 'L', seq: i + 1, programmer: 1, site: 0, adapter: a, start: new Date(now.getTime() - 47_000 + i * 500).toISOString(), durationSec: 0.5, result: 'pass' });
    const [row] = forecastAdapters(f.db, { weeks: 4, now });
    // 80 insertions on an adapter two minutes old: no whole day of history yet, so no rate and no date.
    expect(row).toMatchObject({ state: 'new', windowDays: 0, insertionsInWindow: 80, insertionsPerDay: null, reachesLifeOn: null, daysLeft: null, due: false });
  });

  it('--horizon marks the adapters that reach their rated life within it as due', () => {
    const f = fixture(dir, 'horizon.db').family('gang', ['emmc']).model('G', 'gang', 2).chip(EMMC);
    f.adapterType({ id: 'T', package: 'BGA153', w: 11.5, l: 13, pitch: 0.5, rated: 1000, families: ['gang'] });
    f.programmer('P', 'G', 2);
    const soon = f.adapter('SOON', 'T', { programmer: 1, site: 0 }, { prior: 700 });
    const later = f.adapter('LATER', 'T', { programmer: 1, site: 1 });
    f.db.prepare("UPDATE adapters SET created_at = '2025-01-01T00:00:00.000Z'").run();
    f.lot('L', EMMC.part, { qty: 1000 });
    // SOON: 10/day, 300 - 70 = 230 left after the window -> 23 days; LATER: 1/day, 993 left -> 993 days.
    const seq = history(f, soon, 10, 7, 0);
    for (let d = 1; d <= 7; d++) f.attempt({ lot: 'L', seq: seq + d, programmer: 1, site: 1, adapter: later, start: new Date(now.getTime() - d * 86_400_000).toISOString(), durationSec: 1, result: 'pass' });
    const by = Object.fromEntries(forecastAdapters(f.db, { weeks: 1, now, horizonWeeks: 4 }).map((r) => [r.serial, r]));
    expect(by.SOON).toMatchObject({ daysLeft: 23, due: true });
    expect(by.LATER).toMatchObject({ insertionsPerDay: 1, due: false });
  });
});
