import type { Db } from '../db/open.js';
import type { Chip } from '../catalog/chip.js';
import { familyKinds, listAdapterTypes } from '../catalog/adapter-types.js';
import { familiesForChip, fitTakesChip } from '../catalog/compat.js';
import { siteRows, type SiteRow } from '../store/usable-sites.js';

/** One site of the farm for one chip: its adapter, the adapter's wear, and whether the adapter fits the chip there. */
export interface FarmSite extends SiteRow {
  /** The mounted adapter takes the chip's package/body/pitch and plugs into this programmer's family, which drives the chip's kind. */
  fits: boolean;
  /** Why the mounted adapter does not fit the chip on this programmer; null when it fits or none is mounted. */
  misfit: string | null;
}

/** Which sites `usableSites` returns. */
export interface UsableSitesOptions {
  /** Programmer names or serials to restrict to (e.g. the programmers of a farm file). @default every programmer */
  programmers?: string[];
  /** Also return the sites that cannot take the chip now (`siteUnusable` says why). @default false */
  includeUnusable?: boolean;
}

/**
 * Why a site cannot take a device of the chip now, or null when it can: the one rule the run, `plan`, `compat` and
 * the dashboard share. A site takes devices when it is enabled, carries an adapter that is not retired, fits the
 * chip on this programmer, and is below its rated insertions (or an operator's override lets it go on).
 */
export function siteUnusable(s: FarmSite): string | null {
  if (!s.enabled) return `disabled${s.disabledReason ? ` (${s.disabledReason})` : ''}`;
  if (s.adapterId === null) return 'no adapter mounted';
  if (s.adapterRetired) return `adapter ${s.adapter} is retired`;
  if (!s.fits) return s.misfit;
  if (s.ratedInsertions !== null && s.insertions >= s.ratedInsertions && !s.overrideLife)
    return `adapter ${s.adapter} reached its rated life (${s.insertions}/${s.ratedInsertions} insertions)`;
  return null;
}

/** The sites that can take devices of `chip` today (with `includeUnusable`, every site), by programmer id and site. */
export function usableSites(db: Db, chip: Chip, options: UsableSitesOptions = {}): FarmSite[] {
  const types = new Map(listAdapterTypes(db).map((t) => [t.id, t]));
  const kinds = familyKinds(db);
  const wanted = options.programmers ? new Set(options.programmers) : null;
  const out: FarmSite[] = [];
  for (const r of siteRows(db)) {
    if (wanted && !wanted.has(r.programmer) && !wanted.has(r.programmerSerial)) continue;
    const type = r.adapterType === null ? undefined : types.get(r.adapterType);
    let misfit: string | null = null;
    if (r.adapterId === null) misfit = null;
    else if (!kinds.get(r.family)?.includes(chip.kind)) misfit = `family ${r.family} does not drive ${chip.kind}`;
    else if (!type || !type.fits.some((f) => fitTakesChip(f, chip))) misfit = `adapter ${r.adapter} (${r.adapterType}) does not fit ${chip.part}`;
    else if (!familiesForChip(type, chip, kinds).includes(r.family)) misfit = `adapter type ${r.adapterType} does not plug into ${r.family}`;
    const site: FarmSite = { ...r, fits: r.adapterId !== null && misfit === null, misfit };
    if (options.includeUnusable || siteUnusable(site) === null) out.push(site);
  }
  return out;
}
