import type { Db } from '../db/open.js';
import { statements } from './statements.js';
import type { SiteStateBySerial } from '../records/station-wire.js';

/** One site of a programmer as stored. */
export interface SiteStateRow {
  programmerId: number;
  site: number;
  enabled: boolean;
  disabledReason: string | null;
}

const FAMILY = {};

function prepare(db: Db) {
  return {
    insert: db.prepare('INSERT INTO sites (programmer_id, site) VALUES (?, ?)'),
    setEnabled: db.prepare('UPDATE sites SET enabled = ?, disabled_reason = ? WHERE programmer_id = ? AND site = ?'),
    ofProgrammer: db.prepare('SELECT site FROM sites WHERE programmer_id = ?').pluck(),
    bySerial: db.prepare(
      `SELECT p.serial AS programmer, s.site, s.enabled, s.disabled_reason AS reason FROM sites s JOIN programmers p ON p.id = s.programmer_id
        ORDER BY p.serial, s.site`,
    ),
    all: db.prepare('SELECT programmer_id AS programmerId, site, enabled, disabled_reason AS disabledReason FROM sites ORDER BY programmer_id, site'),
    recentResults: db.prepare(
      `SELECT failure_code FROM attempts WHERE programmer_id = @p AND site = @s AND result IN ('pass', 'fail')
         AND started_at > coalesce((SELECT max(at) FROM events WHERE code = 'site-enabled' AND programmer_id = @p AND site = @s), '')
       ORDER BY id DESC LIMIT 64`,
    ).pluck(),
  };
}

const s = (db: Db) => statements(db, FAMILY, prepare);

/** Adds sites 0..count-1 of a new programmer (enabled). */
export function insertSites(db: Db, programmerId: number, count: number): void {
  const insert = s(db).insert;
  for (let site = 0; site < count; site++) insert.run(programmerId, site);
}

/** Enables a site, or disables it with a reason. */
export function setSiteState(db: Db, programmerId: number, site: number, enabled: boolean, reason: string | null): void {
  s(db).setEnabled.run(enabled ? 1 : 0, enabled ? null : reason, programmerId, site);
}

/** The site numbers of a programmer. */
export function sitesOfProgrammer(db: Db, programmerId: number): number[] {
  return s(db).ofProgrammer.all(programmerId) as number[];
}

/** Every site's state, by programmer id and site. */
export function siteStates(db: Db): SiteStateRow[] {
  return (s(db).all.all() as (Omit<SiteStateRow, 'enabled'> & { enabled: number })[]).map((r) => ({ ...r, enabled: r.enabled === 1 }));
}

/** Every site's state, by programmer serial and site. */
export function siteStatesBySerial(db: Db): SiteStateBySerial[] {
  return (s(db).bySerial.all() as (Omit<SiteStateBySerial, 'enabled'> & { enabled: number })[]).map((r) => ({ ...r, enabled: r.enabled === 1 }));
}

/**
 * Failure codes (null: passed) of the newest finished attempts on a site, newest first, at most 64, since the site was
 * last enabled by an operator (interrupted insertions are left out).
 */
export function recentSiteResults(db: Db, programmerId: number, site: number): (string | null)[] {
  return s(db).recentResults.all({ p: programmerId, s: site }) as (string | null)[];
}

