import type { Db } from '../db/open.js';
import { wilson } from '../stats/wilson.js';
import { firstPassYieldOf, yieldOf, yieldOfAttempted } from '../stats/yield-of.js';
import { lotCounters, type LotCounters } from '../lots/counters.js';
import { lotAttemptSummary, lotFailureCodes, lotFinishBuckets, lotFinishSpan, lotSiteAttempts } from '../store/report-rows.js';
import type { FailureCodeRow, FinishBucket, LotAttemptSummary, LotFinishSpan, SiteAttemptRow } from '../store/report-rows.js';

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

/** The aggregates a lot report is built from, as either engine's store returns them. */
export interface LotAggregates {
  counters: LotCounters;
  attempts: LotAttemptSummary;
  sites: SiteAttemptRow[];
  codes: FailureCodeRow[];
  span: LotFinishSpan;
  buckets: FinishBucket[];
}

/** The timeline's first bucket start and bucket length for a finish span: about 20 to 40 buckets of a round length
 * sized to the lot (seconds for a short lot); null when no device finished. */
export function timelineBuckets(s: LotFinishSpan): { t0: number; step: number } | null {
  if (s.devices === 0 || s.firstMs === null || s.lastMs === null) return null;
  const span = Math.max(1000, s.lastMs - s.firstMs);
  const seconds = NICE_S.find((x) => span / (x * 1000) <= 40) ?? Math.ceil(span / 40_000);
  const step = seconds * 1000;
  return { t0: Math.floor(s.firstMs / step) * step, step };
}

/** Yield points of finished-device buckets, with the cumulative yield up to each. */
function timeline(buckets: FinishBucket[], at: { t0: number; step: number } | null): YieldPoint[] {
  if (!at) return [];
  let p = 0;
  let f = 0;
  return buckets.map(({ bucket, passed, failed }) => {
    p += passed;
    f += failed;
    return { at: new Date(at.t0 + bucket * at.step).toISOString(), passed, failed, yield: yieldOf({ passed, failed })!, cumulative: yieldOf({ passed: p, failed: f })! };
  });
}

/**
 * Builds the lot report's summary and charts from aggregates the store returns (summary, yield over time, site heat
 * map, failure Pareto, device count): nothing here grows with the lot's size.
 */
export function buildLotReport(db: Db, lot: string, now: Date = new Date()): LotReport {
  const counters = lotCounters(db, lot);
  const span = lotFinishSpan(db, lot);
  const at = timelineBuckets(span);
  return lotReportFrom({
    counters, span, attempts: lotAttemptSummary(db, lot), sites: lotSiteAttempts(db, lot), codes: lotFailureCodes(db, lot),
    buckets: at ? lotFinishBuckets(db, lot, at.t0, at.step) : [],
  }, now);
}

/** The lot report from its aggregates (a station's journal or the hub: the same report from the same numbers). */
export function lotReportFrom(g: LotAggregates, now: Date = new Date()): LotReport {
  const failedAttempts = g.codes.reduce((s, c) => s + c.attempts, 0);
  let run = 0;
  return {
    generatedAt: now.toISOString(),
    summary: {
      ...g.counters,
      attempts: g.attempts.attempts,
      firstPassYield: firstPassYieldOf({ firstPassed: g.attempts.firstPass ?? 0, finished: g.attempts.first ?? 0 }),
      startedAt: g.attempts.startedAt,
      endedAt: g.attempts.endedAt,
    },
    timeline: timeline(g.buckets, timelineBuckets(g.span)),
    heatmap: markCells(g.sites),
    pareto: g.codes.map((c) => ((run += c.attempts), { ...c, cumulative: run / failedAttempts })),
    deviceCount: g.span.devices,
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
