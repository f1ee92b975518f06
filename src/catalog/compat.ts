import type { Db } from '../db/open.js';
import type { Chip } from './chip.js';
import { familyKinds, listAdapterTypes, type AdapterFit, type AdapterType } from './adapter-types.js';

const same = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol;

/** True when a fits row takes the chip's package, body size (W x L as the catalogs write it) and pitch. */
export function fitTakesChip(f: AdapterFit, chip: Chip): boolean {
  return f.package === chip.package && same(f.pitchMm, chip.pitchMm, 0.001) &&
    same(f.bodyWmm, chip.bodyWmm, 0.01) && same(f.bodyLmm, chip.bodyLmm, 0.01);
}

/** The programmer families of `type` that drive the chip's kind. */
export function familiesForChip(type: AdapterType, chip: Chip, kinds: Map<string, string[]>): string[] {
  return type.families.filter((f) => kinds.get(f)?.includes(chip.kind));
}

/** True when the adapter type fits the chip: a fits row matches and one of its families drives the chip's kind. */
export function adapterFitsChip(type: AdapterType, chip: Chip, kinds: Map<string, string[]>): boolean {
  return type.fits.some((f) => fitTakesChip(f, chip)) && familiesForChip(type, chip, kinds).length > 0;
}

/** Every adapter type in the database that fits `chip`. */
export function fittingAdapterTypes(db: Db, chip: Chip): AdapterType[] {
  const kinds = familyKinds(db);
  return listAdapterTypes(db).filter((t) => adapterFitsChip(t, chip, kinds));
}
