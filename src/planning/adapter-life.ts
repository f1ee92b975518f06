import type { Db } from '../db/open.js';

/** One physical adapter with the insertions its current receptacle has used and has left. */
export interface AdapterLife {
  id: number;
  serial: string;
  type: string;
  /** Sites one adapter of this type occupies. */
  typeSites: number;
  programmerId: number | null;
  programmer: string | null;
  /** First site it occupies when mounted. */
  site: number | null;
  status: 'ok' | 'retired';
  overrideLife: boolean;
  /** Insertions on the current receptacle: prior_insertions + attempts since socket_since. */
  used: number;
  rated: number;
  /** rated − used (negative when past its rated life). */
  left: number;
}

/** Every adapter in the inventory with its receptacle's insertions (kept by the database with every attempt). */
export function adapterLives(db: Db): AdapterLife[] {
  const rows = db
    .prepare(
      `SELECT a.id, a.serial, a.adapter_type AS type, t.sites AS typeSites, a.programmer_id AS programmerId,
              p.name AS programmer, a.site, a.status, a.override_life AS overrideLife, t.rated_insertions AS rated,
              a.prior_insertions + coalesce((SELECT since_socket FROM adapter_totals u WHERE u.adapter_id = a.id), 0) AS used
         FROM adapters a
         JOIN adapter_types t ON t.id = a.adapter_type
         LEFT JOIN programmers p ON p.id = a.programmer_id
        ORDER BY a.serial`,
    )
    .all() as (Omit<AdapterLife, 'left' | 'overrideLife'> & { overrideLife: number })[];
  return rows.map((r) => ({ ...r, overrideLife: r.overrideLife === 1, left: r.rated - r.used }));
}
