import type { Db } from '../db/open.js';
import type { Chip } from '../catalog/chip.js';
import { familyKinds, listAdapterTypes } from '../catalog/adapter-types.js';
import { familiesForChip, fitTakesChip } from '../catalog/compat.js';
import { adapterInsertions } from '../inventory/wear.js';

/** One site of the farm as the scheduler sees it for a lot's chip. */
export interface FarmSite {
  programmerId: number;
  programmer: string;
  site: number;
  enabled: boolean;
  disabledReason: string | null;
  adapterId: number | null;
  adapter: string | null;
  adapterType: string | null;
  /** The mounted adapter takes the chip's package/body/pitch and plugs into a family that drives its kind. */
  fits: boolean;
  adapterRetired: boolean;
  insertions: number;
  ratedInsertions: number | null;
  /** Operator allowed this adapter past its rated life (recorded as an event). */
  overrideLife: boolean;
}

/** A programmer row with what a worker needs to build its driver. */
export interface FarmProgrammer {
  id: number;
  name: string;
  driver: string;
  model: string;
  serial: string;
  sites: number;
  options: Record<string, unknown>;
}

/** The registered programmers, in id order. */
export function farmProgrammers(db: Db): FarmProgrammer[] {
  return (db.prepare('SELECT id, name, driver, model, serial, sites, options FROM programmers ORDER BY id').all() as (Omit<FarmProgrammer, 'options'> & { options: string })[]).map(
    (p) => ({ ...p, options: JSON.parse(p.options) as Record<string, unknown> }),
  );
}

const sitesSql = `
SELECT p.id AS programmerId, p.name AS programmer, m.family, s.site, s.enabled, s.disabled_reason AS disabledReason,
  a.id AS adapterId, a.serial AS adapter, a.adapter_type AS adapterType, a.status = 'retired' AS adapterRetired,
  t.rated_insertions AS ratedInsertions, coalesce(a.override_life, 0) AS overrideLife
FROM programmers p
JOIN programmer_models m ON m.model = p.model
JOIN sites s ON s.programmer_id = p.id
LEFT JOIN (adapters a JOIN adapter_types t ON t.id = a.adapter_type)
  ON a.programmer_id = p.id AND s.site >= a.site AND s.site < a.site + t.sites
ORDER BY p.id, s.site`;

/** Every site of the farm with its adapter, wear and whether it fits `chip` (catalog compatibility rules). */
export function farmSites(db: Db, chip: Chip): FarmSite[] {
  const types = new Map(listAdapterTypes(db).map((t) => [t.id, t]));
  const kinds = familyKinds(db);
  const rows = db.prepare(sitesSql).all() as (Record<string, unknown> & { family: string; adapterType: string | null; adapterId: number | null })[];
  return rows.map(({ family, ...r }) => {
    const type = r.adapterType === null ? undefined : types.get(r.adapterType);
    // Fits: the adapter type takes the chip and plugs into this programmer's family, which drives the chip's kind.
    const fits = type !== undefined && type.fits.some((f) => fitTakesChip(f, chip)) && familiesForChip(type, chip, kinds).includes(family);
    return {
      ...(r as unknown as FarmSite),
      enabled: r.enabled === 1,
      fits,
      adapterRetired: r.adapterRetired === 1,
      overrideLife: r.overrideLife === 1,
      insertions: r.adapterId === null ? 0 : adapterInsertions(db, r.adapterId),
    };
  });
}

/** Why a site cannot take devices of the lot's chip, or null when it can. */
export function siteUnusable(s: FarmSite): string | null {
  if (!s.enabled) return `disabled${s.disabledReason ? ` (${s.disabledReason})` : ''}`;
  if (s.adapterId === null) return 'no adapter mounted';
  if (s.adapterRetired) return `adapter ${s.adapter} is retired`;
  if (!s.fits) return `adapter ${s.adapter} (${s.adapterType}) does not fit the chip`;
  if (s.ratedInsertions !== null && s.insertions >= s.ratedInsertions && !s.overrideLife)
    return `adapter ${s.adapter} reached its rated life (${s.insertions}/${s.ratedInsertions} insertions)`;
  return null;
}
