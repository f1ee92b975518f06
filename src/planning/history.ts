import type { Db } from '../db/open.js';
import { totalsOf } from '../store/totals.js';
import { yieldOfAttempted } from '../stats/yield-of.js';
import { attemptDurations, lotsOfChip } from '../store/history.js';

/** What past lots of a chip say about it. */
export interface ChipHistory {
  /** Finished devices of lots of this chip. */
  devices: number;
  passed: number;
  /** Attempts (insertions) of lots of this chip. */
  attempts: number;
  /** passed / devices; null without devices. */
  finalYield: number | null;
  /** attempts / devices; null without devices. */
  insertionsPerDevice: number | null;
}

/** Devices, passes and finished attempts of every lot of `part` (from the totals the database keeps). */
export function chipHistory(db: Db, part: string): ChipHistory {
  return chipHistoryOf(totalsOf(db).chip(part));
}

/** A chip's history from its devices, passes and finished attempts (a station's totals or the hub's). */
export function chipHistoryOf(t: { devices: number; passed: number; attempts: number }): ChipHistory {
  const d = { devices: t.devices, passed: t.passed };
  const a = { n: t.attempts };
  return {
    devices: d.devices,
    passed: d.passed,
    attempts: a.n,
    finalYield: yieldOfAttempted(d.passed, d.devices),
    insertionsPerDevice: d.devices ? a.n / d.devices : null,
  };
}

/** The median attempt duration (seconds) and how many attempts it is over. */
export interface MeasuredDuration {
  medianSec: number;
  attempts: number;
  /** 'image' when measured on lots with the same image, 'chip' when on any image of the chip. */
  scope: 'image' | 'chip';
}

/** Attempts a plan's median duration is taken over at most: the newest lots' finished attempts, so a plan costs the same at any database size. */
export const MEDIAN_WINDOW = 5000;

/** Durations of the newest lots' finished attempts of `part` (of one image when given), at most MEDIAN_WINDOW. */
function samples(db: Db, part: string, sha256: string | undefined): number[] {
  // Newest lots first, each read through its own index range until the window is full.
  const ds: number[] = [];
  for (const lot of lotsOfChip(db, part, sha256)) {
    for (const d of attemptDurations(db, lot, MEDIAN_WINDOW - ds.length)) ds.push(d);
    if (ds.length >= MEDIAN_WINDOW) break;
  }
  return ds;
}

function median(samples: number[]): { n: number; median: number | null } {
  if (samples.length === 0) return { n: 0, median: null };
  const ds = [...samples].sort((a, b) => a - b);
  return { n: ds.length, median: (ds[Math.floor((ds.length - 1) / 2)] + ds[Math.floor(ds.length / 2)]) / 2 };
}

/**
 * The median attempt duration of `part` when at least `minAttempts` attempts exist: over lots of the same image
 * when there are enough of them, else over every lot of the chip; null when history is too thin.
 */
export function measuredDuration(db: Db, part: string, sha256: string | undefined, minAttempts: number): MeasuredDuration | null {
  return durationFrom({ image: sha256 ? samples(db, part, sha256) : undefined, chip: () => samples(db, part, undefined) }, minAttempts);
}

/**
 * The median attempt duration from duration samples (a station's or the hub's): the image's when there are at least
 * `minAttempts` of them, else the chip's (asked for only then); null when history is too thin.
 */
export function durationFrom(s: { image: number[] | undefined; chip: () => number[] }, minAttempts: number): MeasuredDuration | null {
  if (s.image) {
    const m = median(s.image);
    if (m.n >= minAttempts && m.median !== null) return { medianSec: m.median, attempts: m.n, scope: 'image' };
  }
  const m = median(s.chip());
  if (m.n >= minAttempts && m.median !== null) return { medianSec: m.median, attempts: m.n, scope: 'chip' };
  return null;
}

/** Where a plan reads a chip's history: this station's journal, or figures read beforehand (from the hub). */
export interface PlanHistory {
  chip(part: string): ChipHistory;
  duration(part: string, sha256: string | undefined, minAttempts: number): MeasuredDuration | null;
}

/** A plan's history from the station's own journal. */
export function journalHistory(db: Db): PlanHistory {
  return { chip: (part) => chipHistory(db, part), duration: (part, sha, min) => measuredDuration(db, part, sha, min) };
}
