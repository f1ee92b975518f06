import type { Db } from '../db/open.js';
import { statements } from './statements.js';

/** A programmer as the dashboard lists it. */
export interface FarmViewProgrammer {
  id: number;
  name: string;
  model: string;
  driver: string;
}

/** A site row: its programmer, whether it is enabled and why not. */
export interface FarmViewSite {
  programmerId: number;
  site: number;
  enabled: boolean;
  disabledReason: string | null;
}

/** The last finished attempt of one site. */
export interface LastAttemptRow {
  programmerId: number;
  site: number;
  result: 'pass' | 'fail';
  failureCode: string | null;
  lot: string;
  endedAt: string;
}

const FAMILY = { name: 'farm-view' };

const prepare = (db: Db) => ({
  programmers: db.prepare('SELECT id, name, model, driver FROM programmers ORDER BY name'),
  sites: db.prepare('SELECT programmer_id AS p, site, enabled, disabled_reason AS reason FROM sites ORDER BY programmer_id, site'),
  // The last finished attempt of each site: one short backward walk of the (programmer, site, id) index per site.
  lastOf: db.prepare(
    `SELECT a.programmer_id AS p, a.site, a.result, a.failure_code AS failureCode, a.lot_id AS lot, a.ended_at AS endedAt
       FROM attempts a WHERE a.programmer_id = ? AND a.site = ? AND a.result IN ('pass', 'fail') ORDER BY a.id DESC LIMIT 1`,
  ),
});

/** Every programmer, by name. */
export function farmViewProgrammers(db: Db): FarmViewProgrammer[] {
  return statements(db, FAMILY, prepare).programmers.all() as FarmViewProgrammer[];
}

/** Every site, by programmer id and site number. */
export function farmViewSites(db: Db): FarmViewSite[] {
  const rows = statements(db, FAMILY, prepare).sites.all() as { p: number; site: number; enabled: number; reason: string | null }[];
  return rows.map((r) => ({ programmerId: r.p, site: r.site, enabled: r.enabled === 1, disabledReason: r.reason }));
}

/** The last finished attempt of each of `sites` that has one (one index lookup per site). */
export function lastAttempts(db: Db, sites: { programmerId: number; site: number }[]): LastAttemptRow[] {
  const lastOf = statements(db, FAMILY, prepare).lastOf;
  const out: LastAttemptRow[] = [];
  for (const s of sites) {
    const r = lastOf.get(s.programmerId, s.site) as (Omit<LastAttemptRow, 'programmerId'> & { p: number }) | undefined;
    if (r) out.push({ programmerId: r.p, site: r.site, result: r.result, failureCode: r.failureCode, lot: r.lot, endedAt: r.endedAt });
  }
  return out;
}
