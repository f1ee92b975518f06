import type { Db } from '../db/open.js';
import type { Programmer } from './programmers.js';
import { adapterStatus, lifeLeftPct, type AdapterStatus } from './wear.js';

/** One physical adapter with where it is and how worn it is. */
export interface AdapterState {
  id: number;
  serial: string;
  type: string;
  package: string;
  /** Sites one adapter of this type covers. */
  typeSites: number;
  programmer: string | null;
  programmerId: number | null;
  programmerFamily: string | null;
  /** First site it occupies, when mounted. */
  site: number | null;
  /** Insertions on the current receptacle (attempts since socket_since + prior). */
  insertions: number;
  rated: number;
  lifeLeftPct: number;
  status: AdapterStatus;
  /** The operator allowed use past rated life. */
  overrideLife: boolean;
  socketSince: string;
}

/** One site of a programmer. */
export interface SiteState {
  site: number;
  enabled: boolean;
  disabledReason: string | null;
  /** Serial of the adapter covering this site, if any. */
  adapter: string | null;
}

/** A programmer with its sites. */
export interface ProgrammerState extends Omit<Programmer, 'sites' | 'options'> {
  sites: SiteState[];
}

/** Everything the farm owns: adapters and programmers. */
export interface Inventory {
  adapters: AdapterState[];
  programmers: ProgrammerState[];
}

/** Every adapter with its wear, as derived from the attempts table. */
export function adapterStates(db: Db): AdapterState[] {
  const rows = db.prepare(
    `SELECT a.id, a.serial, a.adapter_type AS type, t.package, t.sites AS typeSites, p.name AS programmer, a.programmer_id AS programmerId,
            m.family AS programmerFamily, a.site, a.status AS stored, a.override_life AS overrideLife, a.socket_since AS socketSince,
            t.rated_insertions AS rated,
            a.prior_insertions + coalesce((SELECT since_socket FROM adapter_totals t WHERE t.adapter_id = a.id), 0) AS insertions
       FROM adapters a JOIN adapter_types t ON t.id = a.adapter_type
       LEFT JOIN programmers p ON p.id = a.programmer_id LEFT JOIN programmer_models m ON m.model = p.model
      ORDER BY a.serial`,
  ).all() as (Omit<AdapterState, 'status' | 'lifeLeftPct' | 'overrideLife'> & { stored: string; overrideLife: number })[];
  return rows.map(({ stored, ...r }) => ({
    ...r,
    overrideLife: r.overrideLife === 1,
    lifeLeftPct: lifeLeftPct(r.insertions, r.rated),
    status: adapterStatus(stored, r.insertions, r.rated, r.overrideLife === 1),
  }));
}

/** The whole inventory: adapters with wear, programmers with their sites and what covers each. */
export function inventory(db: Db): Inventory {
  const adapters = adapterStates(db);
  const progs = db.prepare(
    `SELECT p.id, p.name, p.driver, p.model, m.family, p.serial FROM programmers p JOIN programmer_models m ON m.model = p.model ORDER BY p.name`,
  ).all() as Omit<ProgrammerState, 'sites'>[];
  const siteRows = db.prepare('SELECT programmer_id AS pid, site, enabled, disabled_reason AS disabledReason FROM sites ORDER BY programmer_id, site').all() as
    { pid: number; site: number; enabled: number; disabledReason: string | null }[];
  const programmers = progs.map((p) => ({
    ...p,
    sites: siteRows.filter((s) => s.pid === p.id).map((s) => ({
      site: s.site,
      enabled: s.enabled === 1,
      disabledReason: s.disabledReason,
      adapter: adapters.find((a) => a.programmerId === p.id && a.site !== null && s.site >= a.site && s.site < a.site + a.typeSites)?.serial ?? null,
    })),
  }));
  return { adapters, programmers };
}
