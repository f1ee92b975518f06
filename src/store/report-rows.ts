import type { Db } from '../db/open.js';
import { statements } from './statements.js';

/** A lot's insertions, first and last times, and its first insertions that finished and passed. */
export interface LotAttemptSummary {
  attempts: number;
  startedAt: string | null;
  endedAt: string | null;
  /** First insertions (attempt 1) that finished, pass or fail. */
  first: number | null;
  /** First insertions that passed. */
  firstPass: number | null;
}

/** Finished insertions of one site in a lot, and whether the site is disabled now. */
export interface SiteAttemptRow {
  programmer: string;
  site: number;
  attempts: number;
  passed: number;
  disabled: boolean;
}

/** Failed insertions of a lot with one failure code, and its devices that ended with that code. */
export interface FailureCodeRow {
  code: string;
  attempts: number;
  devices: number;
}

/** How many devices of a lot finished, and when its first and last finished (epoch milliseconds; null when none did). */
export interface LotFinishSpan {
  devices: number;
  firstMs: number | null;
  lastMs: number | null;
}

/** Devices of a lot that finished within one time bucket (bucket k covers t0 + k·step up to the next). */
export interface FinishBucket {
  bucket: number;
  passed: number;
  failed: number;
}

const FAMILY = { name: 'report-rows' };

/** A device's finish time in epoch milliseconds (exactly what Date.parse gives for the ISO text the recorder writes). */
const FINISHED_MS = `CAST(round(unixepoch(finished_at, 'subsec') * 1000) AS INTEGER)`;

const prepare = (db: Db) => ({
  summary: db.prepare(
    `SELECT count(*) AS attempts, min(started_at) AS startedAt, max(ended_at) AS endedAt,
            sum(attempt = 1 AND result IN ('pass', 'fail')) AS first, sum(attempt = 1 AND result = 'pass') AS firstPass
       FROM attempts WHERE lot_id = ?`,
  ),
  sites: db.prepare(
    `SELECT p.name AS programmer, a.site, count(*) AS attempts, sum(a.result = 'pass') AS passed,
            coalesce((SELECT s.enabled = 0 FROM sites s WHERE s.programmer_id = a.programmer_id AND s.site = a.site), 0) AS disabled
       FROM attempts a JOIN programmers p ON p.id = a.programmer_id
      WHERE a.lot_id = ? AND a.result IN ('pass', 'fail') GROUP BY p.name, a.site ORDER BY p.name, a.site`,
  ),
  codes: db.prepare(
    `SELECT failure_code AS code, count(*) AS attempts,
            (SELECT count(*) FROM devices d WHERE d.lot_id = @lot AND d.failure_code = a.failure_code) AS devices
       FROM attempts a WHERE a.lot_id = @lot AND a.result = 'fail' GROUP BY failure_code ORDER BY attempts DESC, code`,
  ),
  span: db.prepare(`SELECT count(*) AS devices, min(${FINISHED_MS}) AS firstMs, max(${FINISHED_MS}) AS lastMs FROM devices WHERE lot_id = ?`),
  buckets: db.prepare(
    `SELECT (${FINISHED_MS} - CAST(@t0 AS INTEGER)) / CAST(@step AS INTEGER) AS bucket, sum(result = 'pass') AS passed, sum(result <> 'pass') AS failed
       FROM devices WHERE lot_id = @lot GROUP BY bucket ORDER BY bucket`,
  ),
});

/** The lot's insertion count, time span and first-insertion results. */
export function lotAttemptSummary(db: Db, lot: string): LotAttemptSummary {
  return statements(db, FAMILY, prepare).summary.get(lot) as LotAttemptSummary;
}

/** Finished insertions per programmer site of a lot, by programmer name and site. */
export function lotSiteAttempts(db: Db, lot: string): SiteAttemptRow[] {
  const rows = statements(db, FAMILY, prepare).sites.all(lot) as (Omit<SiteAttemptRow, 'disabled'> & { disabled: number })[];
  return rows.map((r) => ({ ...r, disabled: r.disabled === 1 }));
}

/** Failed insertions of a lot by failure code, most first. */
export function lotFailureCodes(db: Db, lot: string): FailureCodeRow[] {
  return statements(db, FAMILY, prepare).codes.all({ lot }) as FailureCodeRow[];
}

/** How many devices of a lot finished, and the first and last finish times. */
export function lotFinishSpan(db: Db, lot: string): LotFinishSpan {
  return statements(db, FAMILY, prepare).span.get(lot) as LotFinishSpan;
}

/**
 * Finished devices of a lot per time bucket of `stepMs` from `t0Ms` (at or before the first finish), passed and
 * failed, by bucket; buckets with no device are left out. One row per bucket: memory flat in the lot size.
 */
export function lotFinishBuckets(db: Db, lot: string, t0Ms: number, stepMs: number): FinishBucket[] {
  return statements(db, FAMILY, prepare).buckets.all({ lot, t0: t0Ms, step: stepMs }) as FinishBucket[];
}
