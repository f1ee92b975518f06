import type { Db } from '../db/open.js';
import { statements } from './statements.js';

/** One site of the farm with its programmer's family and the adapter whose receptacles cover it, as stored. */
export interface SiteRow {
  programmerId: number;
  programmer: string;
  programmerSerial: string;
  family: string;
  site: number;
  enabled: boolean;
  disabledReason: string | null;
  adapterId: number | null;
  adapter: string | null;
  adapterType: string | null;
  adapterRetired: boolean;
  ratedInsertions: number | null;
  overrideLife: boolean;
  /** Insertions on the adapter's current receptacle: prior_insertions + those recorded since socket_since (0 without an adapter). */
  insertions: number;
}

const FAMILY = { name: 'usable-sites' };

const prepare = (db: Db) =>
  db.prepare(`
SELECT p.id AS programmerId, p.name AS programmer, p.serial AS programmerSerial, m.family, s.site, s.enabled, s.disabled_reason AS disabledReason,
  a.id AS adapterId, a.serial AS adapter, a.adapter_type AS adapterType, a.status = 'retired' AS adapterRetired,
  t.rated_insertions AS ratedInsertions, coalesce(a.override_life, 0) AS overrideLife,
  CASE WHEN a.id IS NULL THEN 0 ELSE a.prior_insertions + coalesce((SELECT since_socket FROM adapter_totals u WHERE u.adapter_id = a.id), 0) END AS insertions
FROM programmers p
JOIN programmer_models m ON m.model = p.model
JOIN sites s ON s.programmer_id = p.id
LEFT JOIN (adapters a JOIN adapter_types t ON t.id = a.adapter_type)
  ON a.programmer_id = p.id AND s.site >= a.site AND s.site < a.site + t.sites
ORDER BY p.id, s.site`);

/** Every site of the farm with its adapter and that adapter's wear, by programmer id and site. */
export function siteRows(db: Db): SiteRow[] {
  const rows = statements(db, FAMILY, prepare).all() as (Omit<SiteRow, 'enabled' | 'adapterRetired' | 'overrideLife'> & {
    enabled: number;
    adapterRetired: number | null;
    overrideLife: number;
  })[];
  return rows.map((r) => ({ ...r, enabled: r.enabled === 1, adapterRetired: r.adapterRetired === 1, overrideLife: r.overrideLife === 1 }));
}
