import type { Db } from '../db/open.js';
import { wilson, type Interval } from './wilson.js';
import { totalsOf, type AttemptTotalRow, type DeviceTotalRow, type FailureTotalRow } from '../store/totals.js';
import { firstPassYieldOf, yieldOfAttempted } from './yield-of.js';

/** Ways to group yield. */
export type YieldBy = 'lot' | 'chip' | 'programmer' | 'site' | 'adapter' | 'failure';

/** Yield of one group. Device groups (lot, chip) give first-pass and final yield; site groups give attempt yield. */
export interface YieldRow {
  key: string;
  /** Devices (lot/chip) or attempts (programmer/site/adapter). */
  n: number;
  passed: number;
  yield: number | null;
  /** Share of devices that passed at their first insertion (lot/chip only). */
  firstPass?: number | null;
  ci?: Interval;
  /** Site significantly below its programmer's other sites: its 95 % interval lies wholly below theirs (pooled). */
  flagged?: boolean;
}

/** Failure counts by code and stage. */
export interface FailureRow {
  code: string;
  stage: string;
  /** Devices whose final result is this failure. */
  devices: number;
  /** Attempts that ended with it (retried ones included). */
  attempts: number;
}

/** A yield report. */
export interface YieldReport {
  lot: string | null;
  by: YieldBy;
  devices: number;
  passed: number;
  finalYield: number | null;
  firstPassYield: number | null;
  rows: YieldRow[];
  failures: FailureRow[];
}


/** The totals a yield report is made from: a station's database keeps them (TotalsStore), a hub's are read ahead. */
export interface YieldTotals {
  devices(by: 'lot' | 'chip' | 'all', lot?: string): DeviceTotalRow[];
  attempts(by: 'programmer' | 'site' | 'adapter', lot?: string): AttemptTotalRow[];
  failures(lot?: string): FailureTotalRow[];
}

/**
 * Computes yield, optionally for one lot, from the totals the database keeps in the same transaction as every attempt
 * and device (triggers of migration 006; `test/stats/totals.test.ts` recomputes them from the rows).
 */
export function yieldReport(db: Db, by: YieldBy, lot?: string): YieldReport {
  return yieldFrom(totalsOf(db), by, lot);
}

/** Computes a yield report from totals (a station's or a hub's), optionally for one lot. */
export function yieldFrom(totals: YieldTotals, by: YieldBy, lot?: string): YieldReport {
  const total = totals.devices('all', lot)[0];
  const n = total?.n ?? 0;
  const failures: FailureRow[] = totals.failures(lot).map((f) => ({ code: f.code, stage: f.stage, attempts: f.attempts, devices: f.devices }));
  let rows: YieldRow[] = [];
  if (by === 'lot' || by === 'chip') {
    rows = totals.devices(by, lot).map((r) => ({
      key: r.key,
      n: r.n,
      passed: r.passed,
      yield: yieldOfAttempted(r.passed, r.n),
      firstPass: firstPassYieldOf({ firstPassed: r.firstPassed, finished: r.n }),
      ci: wilson(r.passed, r.n),
    }));
  } else if (by === 'failure') {
    rows = failures.map((f) => ({ key: `${f.code}@${f.stage}`, n: f.attempts, passed: 0, yield: null }));
  } else {
    rows = attemptYieldsOf(totals.attempts(by, lot), by);
  }
  return {
    lot: lot ?? null,
    by,
    devices: n,
    passed: total?.passed ?? 0,
    finalYield: yieldOfAttempted(total?.passed ?? 0, n),
    firstPassYield: firstPassYieldOf({ firstPassed: total?.firstPassed ?? 0, finished: n }),
    rows,
    failures,
  };
}

/**
 * Attempt yield per programmer, site (`programmer:site`) or adapter, optionally for one lot, with 95 % Wilson
 * intervals; a site is `flagged` when its interval lies wholly below the pooled interval of its programmer's other sites.
 */
export function attemptYields(db: Db, by: 'programmer' | 'site' | 'adapter', lot?: string): YieldRow[] {
  return attemptYieldsOf(totalsOf(db).attempts(by, lot), by);
}

/** Attempt yields with their intervals (and the site flag) from attempt totals. */
function attemptYieldsOf(list: AttemptTotalRow[], by: 'programmer' | 'site' | 'adapter'): YieldRow[] {
  return list.map((r) => {
    const row: YieldRow = { key: r.key, n: r.n, passed: r.passed, yield: yieldOfAttempted(r.passed, r.n), ci: wilson(r.passed, r.n) };
    if (by === 'site') {
      const others = list.filter((o) => o.programmer === r.programmer && o.key !== r.key);
      const on = others.reduce((sum, o) => sum + o.n, 0);
      const op = others.reduce((sum, o) => sum + o.passed, 0);
      row.flagged = on > 0 && row.ci!.high < wilson(op, on).low;
    }
    return row;
  });
}
