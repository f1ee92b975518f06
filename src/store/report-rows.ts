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

const FAMILY = { name: 'report-rows' };

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
