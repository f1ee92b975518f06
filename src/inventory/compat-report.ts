import type { Db } from '../db/open.js';
import { familyKinds } from '../catalog/adapter-types.js';
import { getChip } from '../catalog/chips.js';
import { familiesForChip, fittingAdapterTypes } from '../catalog/compat.js';
import { inventory } from './inventory.js';
import { usableSites } from './usable-sites.js';

/** One adapter type that fits the part, with what the farm has of it today. */
export interface CompatRow {
  type: string;
  name: string;
  package: string;
  sitesPerAdapter: number;
  ratedInsertions: number;
  /** Programmer families this type plugs into that drive the part's kind. */
  families: string[];
  /** Adapters of this type we own (any state). */
  owned: number;
  /** Of those, mounted on a programmer whose family can drive the part. */
  mounted: number;
  /** Sites adapters of this type give today by the run's own rule (`usableSites`): site enabled, adapter not
   * retired and fitting on that programmer, insertions below rated life or past it under an operator's override. */
  healthySites: number;
}

/** The compatibility answer for one part. */
export interface CompatReport {
  part: string;
  vendor: string;
  kind: string;
  package: string;
  bodyWmm: number;
  bodyLmm: number;
  pitchMm: number;
  adapterTypes: CompatRow[];
  totalHealthySites: number;
}

/** Which adapter types fit `part`, how many we own and mount, and how many sites they give today (the run's rule). */
export function compatReport(db: Db, part: string): CompatReport {
  const chip = getChip(db, part);
  const kinds = familyKinds(db);
  const inv = inventory(db);
  const usable = new Map<string, number>();
  for (const s of usableSites(db, chip)) usable.set(s.adapterType!, (usable.get(s.adapterType!) ?? 0) + 1);
  const rows = fittingAdapterTypes(db, chip).map((t): CompatRow => {
    const families = familiesForChip(t, chip, kinds);
    const owned = inv.adapters.filter((a) => a.type === t.id);
    const mounted = owned.filter((a) => a.programmerFamily !== null && families.includes(a.programmerFamily));
    const healthySites = usable.get(t.id) ?? 0;
    return {
      type: t.id, name: t.name, package: t.package, sitesPerAdapter: t.sites, ratedInsertions: t.ratedInsertions,
      families, owned: owned.length, mounted: mounted.length, healthySites,
    };
  });
  return {
    part: chip.part, vendor: chip.vendor, kind: chip.kind, package: chip.package, bodyWmm: chip.bodyWmm, bodyLmm: chip.bodyLmm,
    pitchMm: chip.pitchMm, adapterTypes: rows, totalHealthySites: rows.reduce((n, r) => n + r.healthySites, 0),
  };
}
