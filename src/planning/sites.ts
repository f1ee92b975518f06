import type { Db } from '../db/open.js';
import type { Chip } from '../catalog/chip.js';
import type { AdapterLife } from './adapter-life.js';
import type { FittingType } from './fit.js';

/** One site of the farm as the planner sees it for one chip. */
export interface FarmSite {
  programmerId: number;
  programmer: string;
  family: string;
  site: number;
  enabled: boolean;
  /** The adapter whose receptacles cover this site, if any. */
  adapter: AdapterLife | null;
  /** True when a device of the chip can be programmed on this site today. */
  healthy: boolean;
  /** Why the site is not healthy (absent when healthy). */
  reason?: string;
}

/** Which programmers to consider: all in the database, or those named (by name or serial). */
export interface SiteFilter {
  /** Programmer names or serials to restrict to (e.g. the programmers of a farm file). @default every programmer */
  programmers?: string[];
}

/**
 * Every site of the farm with whether it is healthy for `chip`: enabled, on a programmer whose family drives the
 * chip's kind, carrying a fitting adapter of a type that plugs into that family, with status ok and insertions
 * below its rated life (or an operator override).
 */
export function farmSites(db: Db, chip: Chip, fits: FittingType[], adapters: AdapterLife[], filter: SiteFilter = {}): FarmSite[] {
  const rows = db
    .prepare(
      `SELECT p.id AS programmerId, p.name AS programmer, p.serial, m.family, f.kinds, s.site, s.enabled
         FROM sites s
         JOIN programmers p ON p.id = s.programmer_id
         JOIN programmer_models m ON m.model = p.model
         JOIN programmer_families f ON f.family = m.family
        ORDER BY p.name, s.site`,
    )
    .all() as { programmerId: number; programmer: string; serial: string; family: string; kinds: string; site: number; enabled: number }[];
  const wanted = filter.programmers ? new Set(filter.programmers) : null;
  const fitById = new Map(fits.map((t) => [t.id, t]));
  const mounted = adapters.filter((a) => a.programmerId !== null);
  const out: FarmSite[] = [];
  for (const r of rows) {
    if (wanted && !wanted.has(r.programmer) && !wanted.has(r.serial)) continue;
    const adapter =
      mounted.find((a) => a.programmerId === r.programmerId && a.site !== null && r.site >= a.site && r.site < a.site + a.typeSites) ?? null;
    const kinds = JSON.parse(r.kinds) as string[];
    let reason: string | undefined;
    const fit = adapter ? fitById.get(adapter.type) : undefined;
    if (!r.enabled) reason = 'site disabled';
    else if (!kinds.includes(chip.kind)) reason = `family ${r.family} does not drive ${chip.kind}`;
    else if (!adapter) reason = 'no adapter mounted';
    else if (!fit) reason = `adapter ${adapter.serial} (${adapter.type}) does not fit ${chip.part}`;
    else if (!fit.families.includes(r.family)) reason = `adapter type ${adapter.type} does not plug into ${r.family}`;
    else if (adapter.status !== 'ok') reason = `adapter ${adapter.serial} is ${adapter.status}`;
    else if (adapter.left <= 0 && !adapter.overrideLife) reason = `adapter ${adapter.serial} is at its rated life`;
    out.push({
      programmerId: r.programmerId,
      programmer: r.programmer,
      family: r.family,
      site: r.site,
      enabled: r.enabled === 1,
      adapter,
      healthy: reason === undefined,
      ...(reason ? { reason } : {}),
    });
  }
  return out;
}
