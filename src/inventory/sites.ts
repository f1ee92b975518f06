import type { Db } from '../db/open.js';
import { InventoryError } from '../errors.js';
import { audit } from './events.js';
import { getProgrammer } from './programmers.js';

/** One site with its state, for operators. */
export interface SiteRow {
  programmer: string;
  site: number;
  enabled: boolean;
  reason: string | null;
  adapter: string | null;
}

/** Parses `PROGRAMMER:SITE`. */
export function parseSiteRef(ref: string): { programmer: string; site: number } {
  const m = /^(.+):(\d+)$/.exec(ref);
  if (!m) throw new InventoryError('bad-site', `"${ref}" is not PROGRAMMER:SITE (e.g. sim-2:5)`);
  return { programmer: m[1], site: Number(m[2]) };
}

/** Every site of the farm with its state and mounted adapter. */
export function listSites(db: Db): SiteRow[] {
  return (
    db
      .prepare(
        `SELECT p.name AS programmer, s.site, s.enabled, s.disabled_reason AS reason,
          (SELECT a.serial FROM adapters a JOIN adapter_types t ON t.id = a.adapter_type
            WHERE a.programmer_id = p.id AND s.site BETWEEN a.site AND a.site + t.sites - 1) AS adapter
         FROM sites s JOIN programmers p ON p.id = s.programmer_id ORDER BY p.id, s.site`,
      )
      .all() as (Omit<SiteRow, 'enabled'> & { enabled: number })[]
  ).map((r) => ({ ...r, enabled: r.enabled === 1 }));
}

/** Enables or disables a site (an operator's decision, recorded as an audit event). */
export function setSiteEnabled(db: Db, ref: string, enabled: boolean, reason: string): SiteRow {
  const { programmer, site } = parseSiteRef(ref);
  const p = getProgrammer(db, programmer);
  if (site >= p.sites) throw new InventoryError('site-out-of-range', `${p.name} has sites 0..${p.sites - 1}, not ${site}`);
  db.transaction(() => {
    db.prepare('UPDATE sites SET enabled = ?, disabled_reason = ? WHERE programmer_id = ? AND site = ?').run(enabled ? 1 : 0, enabled ? null : reason, p.id, site);
    audit(db, { code: enabled ? 'site-enabled' : 'site-disabled', programmerId: p.id, site, message: `${p.name}:${site} ${enabled ? 'enabled' : 'disabled'} by operator: ${reason}` });
  })();
  return listSites(db).find((s) => s.programmer === p.name && s.site === site)!;
}
