import type { Db } from '../db/open.js';
import type { Chip } from '../catalog/chip.js';
import { familyKinds } from '../catalog/adapter-types.js';
import { familiesForChip, fittingAdapterTypes } from '../catalog/compat.js';

/** An adapter type that takes a chip, with the programmer families it plugs into that drive the chip's kind. */
export interface FittingType {
  id: string;
  name: string;
  vendor: string;
  /** Sites (receptacles) on one adapter of this type. */
  sites: number;
  ratedInsertions: number;
  /** Programmer families this type plugs into that can drive the chip's kind. */
  families: string[];
}

/** The adapter types that fit `chip`, by the catalog's own compatibility rule (package, body, pitch, family kinds). */
export function fittingTypes(db: Db, chip: Chip): FittingType[] {
  const kinds = familyKinds(db);
  return fittingAdapterTypes(db, chip).map((t) => ({
    id: t.id,
    name: t.name,
    vendor: t.vendor,
    sites: t.sites,
    ratedInsertions: t.ratedInsertions,
    families: familiesForChip(t, chip, kinds).sort(),
  }));
}
