import type { Db } from '../db/open.js';
import { wilson } from '../stats/wilson.js';
import { firstPassYieldOf, yieldOf, yieldOfAttempted } from '../stats/yield-of.js';
import { lotCounters, type LotCounters } from '../lots/counters.js';
import { lotAttemptSummary, lotFailureCodes, lotFinishBuckets, lotFinishSpan, lotSiteAttempts, type SiteAttemptRow } from '../store/report-rows.js';

/** One time bucket of finished devices. */
export interface YieldPoint {
  /** Bucket start (ISO). */
  at: string;
  passed: number;
  failed: number;
  /** Yield within the bucket. */
  yield: number;
  /** Yield of every device finished up to the end of the bucket. */
  cumulative: number;
}

/** Attempts and yield of one programmer site. */
export interface SiteCell {
  programmer: string;
  site: number;
  attempts: number;
  passed: number;
  /** passed / attempts (per insertion). */
  yield: number;
  /** The site is disabled now. */
  disabled: boolean;
  /** Its 95 % interval lies wholly below its programmer's other sites in this lot (the dashboard's LOW). */
  low: boolean;
}

/** Failures of one code: failed attempts and devices that ended with it. */
export interface ParetoBar {
  code: string;
  attempts: number;
  devices: number;
  /** Cumulative share of failed attempts up to and including this code. */
  cumulative: number;
}

/** Everything the lot report shows but its device rows, which stream from the store as they are written out. */
export interface LotReport {
  generatedAt: string;
  summary: LotCounters & { attempts: number; firstPassYield: number | null; startedAt: string | null; endedAt: string | null };
  timeline: YieldPoint[];
  heatmap: SiteCell[];
  pareto: ParetoBar[];
  /** How many device rows the lot has (the rows themselves are walked with `lotDevices`). */
  deviceCount: number;
}

/** Round bucket lengths in seconds, from a second to a day. */
const NICE_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 21600, 43200, 86400];

/** Buckets finished devices into about 20 to 40 intervals of a round length sized to the lot (seconds for a short lot). */
function timeline(db: Db, lot: string): { points: YieldPoint[]; devices: number } {
  const s = lotFinishSpan(db, lot);
  if (s.devices === 0 || s.firstMs === null || s.lastMs === null) return { points: [], devices: s.devices };
  const span = Math.max(1000, s.lastMs - s.firstMs);
  const seconds = NICE_S.find((x) => span / (x * 1000) <= 40) ?? Math.ceil(span / 40_000);
  const step = seconds * 1000;
  const t0 = Math.floor(s.firstMs / step) * step;
  let p = 0;
  let f = 0;
  const points = lotFinishBuckets(db, lot, t0, step).map(({ bucket, passed, failed }) => {
    p += passed;
    f += failed;
    return { at: new Date(t0 + bucket * step).toISOString(), passed, failed, yield: yieldOf({ passed, failed })!, cumulative: yieldOf({ passed: p, failed: f })! };
  });
  return { points, devices: s.devices };
}

/**
 * Builds the lot report's summary and charts from aggregates the store returns (summary, yield over time, site heat
 * map, failure Pareto, device count): nothing here grows with the lot's size.
 */
export function buildLotReport(db: Db, lot: string, now: Date = new Date()): LotReport {
  const counters = lotCounters(db, lot);
  const finished = timeline(db, lot);
  const a = lotAttemptSummary(db, lot);
  const heatmap = lotSiteAttempts(db, lot);
  const codes = lotFailureCodes(db, lot);
  const failedAttempts = codes.reduce((s, c) => s + c.attempts, 0);
  let run = 0;
  return {
    generatedAt: now.toISOString(),
    summary: {
      ...counters,
      attempts: a.attempts,
      firstPassYield: firstPassYieldOf({ firstPassed: a.firstPass ?? 0, finished: a.first ?? 0 }),
      startedAt: a.startedAt,
      endedAt: a.endedAt,
    },
    timeline: finished.points,
    heatmap: markCells(heatmap),
    pareto: codes.map((c) => ((run += c.attempts), { ...c, cumulative: run / failedAttempts })),
    deviceCount: finished.devices,
  };
}

/** Heat-map cells with their yield, whether the site is disabled, and LOW against the programmer's other sites. */
function markCells(cells: SiteAttemptRow[]): SiteCell[] {
  return cells.map((c) => {
    const others = cells.filter((o) => o.programmer === c.programmer && o.site !== c.site);
    const on = others.reduce((s, o) => s + o.attempts, 0);
    const op = others.reduce((s, o) => s + o.passed, 0);
    return { ...c, yield: yieldOfAttempted(c.passed, c.attempts)!, low: on > 0 && wilson(c.passed, c.attempts).high < wilson(op, on).low };
  });
}
