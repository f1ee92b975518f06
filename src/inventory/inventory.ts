import type { Db } from '../db/open.js';
import type { Programmer } from './programmers.js';
import { adapterStatus, lifeLeftPct, type AdapterStatus } from './wear.js';
import { adapterWearRecords } from '../store/adapters.js';
import { programmersOfFamily } from '../store/programmers.js';
import { siteStates } from '../store/sites.js';

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
  return adapterWearRecords(db).map(({ stored, createdAt: _created, priorInsertions: _prior, ...r }) => ({
    ...r,
    lifeLeftPct: lifeLeftPct(r.insertions, r.rated),
    status: adapterStatus(stored, r.insertions, r.rated, r.overrideLife),
  }));
}

/** The whole inventory: adapters with wear, programmers with their sites and what covers each. */
export function inventory(db: Db): Inventory {
  const adapters = adapterStates(db);
  const progs = programmersOfFamily(db).map(({ sites: _sites, options: _options, ...p }) => p);
  const siteRows = siteStates(db);
  const programmers = progs.map((p) => ({
    ...p,
    sites: siteRows.filter((s) => s.programmerId === p.id).map((s) => ({
      site: s.site,
      enabled: s.enabled,
      disabledReason: s.disabledReason,
      adapter: adapters.find((a) => a.programmerId === p.id && a.site !== null && s.site >= a.site && s.site < a.site + a.typeSites)?.serial ?? null,
    })),
  }));
  return { adapters, programmers };
}
