import type { Db } from '../db/open.js';
import { statements } from './statements.js';

/** One adapter with its type's size and life and its current receptacle's insertions, as stored. */
export interface AdapterLifeRow {
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
  rated: number;
  /** Insertions on the current receptacle: prior_insertions + those recorded since socket_since (kept by the database with every attempt). */
  used: number;
}

/** Insertions one adapter saw within a window of days. */
export interface AdapterWindowRow {
  serial: string;
  /** When the adapter was registered (ISO). */
  created: string;
  n: number;
}

const FAMILY = { name: 'adapter-lives' };

const prepare = (db: Db) => ({
  lives: db.prepare(
    `SELECT a.id, a.serial, a.adapter_type AS type, t.sites AS typeSites, a.programmer_id AS programmerId,
            p.name AS programmer, a.site, a.status, a.override_life AS overrideLife, t.rated_insertions AS rated,
            a.prior_insertions + coalesce((SELECT since_socket FROM adapter_totals u WHERE u.adapter_id = a.id), 0) AS used
       FROM adapters a
       JOIN adapter_types t ON t.id = a.adapter_type
       LEFT JOIN programmers p ON p.id = a.programmer_id
      ORDER BY a.serial`,
  ),
  window: db.prepare(
    `SELECT a.serial, a.created_at AS created,
            coalesce((SELECT sum(d.n) FROM adapter_days d WHERE d.adapter_id = a.id AND d.day >= @fromDay AND d.day < @today), 0) AS n
       FROM adapters a`,
  ),
});

/** Every adapter in the inventory, by serial. */
export function adapterLifeRows(db: Db): AdapterLifeRow[] {
  const rows = statements(db, FAMILY, prepare).lives.all() as (Omit<AdapterLifeRow, 'overrideLife'> & { overrideLife: number })[];
  return rows.map((r) => ({ ...r, overrideLife: r.overrideLife === 1 }));
}

/** Every adapter's insertions on the UTC days from `fromDay` up to, not including, `today` (YYYY-MM-DD), from its day totals. */
export function adapterInsertionsInWindow(db: Db, fromDay: string, today: string): AdapterWindowRow[] {
  return statements(db, FAMILY, prepare).window.all({ fromDay, today }) as AdapterWindowRow[];
}
