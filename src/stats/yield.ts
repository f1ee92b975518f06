import type { Db } from '../db/open.js';
import { wilson, type Interval } from './wilson.js';

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

const share = (a: number, n: number) => (n === 0 ? null : a / n);

/** Computes yield from `devices` and `attempts` (never from counters), optionally for one lot. */
export function yieldReport(db: Db, by: YieldBy, lot?: string): YieldReport {
  const where = lot ? 'WHERE d.lot_id = @lot' : '';
  const awhere = lot ? 'WHERE a.lot_id = @lot' : '';
  const params = lot ? { lot } : {};
  const deviceSql = (key: string) => `
    SELECT ${key} AS key, count(*) AS n, sum(d.result = 'pass') AS passed,
      sum(EXISTS (SELECT 1 FROM attempts a WHERE a.lot_id = d.lot_id AND a.reel_id = d.reel_id AND a.seq = d.seq AND a.result = 'pass'
        AND a.attempt = (SELECT min(b.attempt) FROM attempts b WHERE b.lot_id = a.lot_id AND b.reel_id = a.reel_id AND b.seq = a.seq AND b.result IN ('pass', 'fail')))) AS firstPassed
    FROM devices d JOIN lots l ON l.id = d.lot_id ${where} GROUP BY key ORDER BY key`;
  const total = db.prepare(deviceSql("'all'")).get(params) as { n: number; passed: number | null; firstPassed: number | null } | undefined;
  const n = total?.n ?? 0;
  const failures = db
    .prepare(
      `SELECT a.failure_code AS code, a.stage, count(*) AS attempts,
         sum(EXISTS (SELECT 1 FROM devices d WHERE d.lot_id = a.lot_id AND d.reel_id = a.reel_id AND d.seq = a.seq AND d.result = 'fail'
             AND a.attempt = (SELECT max(attempt) FROM attempts b WHERE b.lot_id = a.lot_id AND b.reel_id = a.reel_id AND b.seq = a.seq))) AS devices
       FROM attempts a ${awhere ? awhere + ' AND' : 'WHERE'} a.result = 'fail' GROUP BY a.failure_code, a.stage ORDER BY devices DESC, attempts DESC`,
    )
    .all(params) as FailureRow[];

  let rows: YieldRow[] = [];
  if (by === 'lot' || by === 'chip') {
    rows = (db.prepare(deviceSql(by === 'lot' ? 'd.lot_id' : 'l.chip')).all(params) as { key: string; n: number; passed: number; firstPassed: number }[]).map((r) => ({
      key: r.key,
      n: r.n,
      passed: r.passed,
      yield: share(r.passed, r.n),
      firstPass: share(r.firstPassed, r.n),
      ci: wilson(r.passed, r.n),
    }));
  } else if (by === 'failure') {
    rows = failures.map((f) => ({ key: `${f.code}@${f.stage}`, n: f.attempts, passed: 0, yield: null }));
  } else {
    rows = attemptYields(db, by, lot);
  }
  return {
    lot: lot ?? null,
    by,
    devices: n,
    passed: total?.passed ?? 0,
    finalYield: share(total?.passed ?? 0, n),
    firstPassYield: share(total?.firstPassed ?? 0, n),
    rows,
    failures,
  };
}

/**
 * Attempt yield per programmer, site (`programmer:site`) or adapter, optionally for one lot, with 95 % Wilson
 * intervals; a site is `flagged` when its interval lies wholly below the pooled interval of its programmer's other sites.
 */
export function attemptYields(db: Db, by: 'programmer' | 'site' | 'adapter', lot?: string): YieldRow[] {
  const key = by === 'programmer' ? 'p.name' : by === 'site' ? "p.name || ':' || a.site" : "coalesce(ad.serial, '(none)')";
  const list = db
    .prepare(
      `SELECT ${key} AS key, p.name AS programmer, count(*) AS n, sum(a.result = 'pass') AS passed
       FROM attempts a JOIN programmers p ON p.id = a.programmer_id LEFT JOIN adapters ad ON ad.id = a.adapter_id
       WHERE a.result IN ('pass', 'fail') ${lot ? 'AND a.lot_id = @lot' : ''} GROUP BY key ORDER BY p.id, a.site, key`,
    )
    .all(lot ? { lot } : {}) as { key: string; programmer: string; n: number; passed: number }[];
  return list.map((r) => {
    const row: YieldRow = { key: r.key, n: r.n, passed: r.passed, yield: share(r.passed, r.n), ci: wilson(r.passed, r.n) };
    if (by === 'site') {
      const others = list.filter((o) => o.programmer === r.programmer && o.key !== r.key);
      const on = others.reduce((sum, o) => sum + o.n, 0);
      const op = others.reduce((sum, o) => sum + o.passed, 0);
      row.flagged = on > 0 && row.ci!.high < wilson(op, on).low;
    }
    return row;
  });
}
