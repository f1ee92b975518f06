import type { Db } from '../db/open.js';
import { InventoryError } from '../errors.js';
import { audit } from './events.js';
import { getProgrammer } from './programmers.js';
import { inventory } from './inventory.js';
import { atomically } from '../store/atomic.js';
import { setSiteState } from '../store/sites.js';
import { OperatorActs } from '../mes/operator-acts.js';

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

/** Every site of the farm with its state and mounted adapter (from the inventory). */
export function listSites(db: Db): SiteRow[] {
  return inventory(db).programmers.flatMap((p) =>
    p.sites.map((s) => ({ programmer: p.name, site: s.site, enabled: s.enabled, reason: s.disabledReason, adapter: s.adapter })),
  );
}

/** Enables or disables a site (an operator's decision, recorded as an audit event). */
export function setSiteEnabled(db: Db, ref: string, enabled: boolean, reason: string, by: string | null = null): SiteRow {
  const { programmer, site } = parseSiteRef(ref);
  const p = getProgrammer(db, programmer);
  if (site >= p.sites) throw new InventoryError('site-out-of-range', `${p.name} has sites 0..${p.sites - 1}, not ${site}`);
  atomically(db, () => {
    setSiteState(db, p.id, site, enabled, reason);
    if (enabled) new OperatorActs(db).siteEnabled(p.id, site, by); // MES: the site's faults acknowledged and cleared
    audit(db, { code: enabled ? 'site-enabled' : 'site-disabled', programmerId: p.id, site, actor: by, message: `${p.name}:${site} ${enabled ? 'enabled' : 'disabled'} by ${by ?? 'operator'}: ${reason}` });
  });
  return listSites(db).find((s) => s.programmer === p.name && s.site === site)!;
}
