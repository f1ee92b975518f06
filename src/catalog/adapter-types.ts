import type { Db } from '../db/open.js';
import { CatalogError } from '../errors.js';
import { nearest } from './suggest.js';
import { adapterFamilyRecords, adapterFitRecords, adapterTypeRecords, familyKindRecords } from '../store/catalog.js';

/** One (package, body, pitch) an adapter type takes. */
export interface AdapterFit {
  package: string;
  bodyWmm: number;
  bodyLmm: number;
  pitchMm: number;
}

/** A socket-adapter type from the catalog, with what it fits and where it plugs in. */
export interface AdapterType {
  id: string;
  name: string;
  vendor: string;
  package: string;
  pitchMm: number;
  sites: number;
  ratedInsertions: number;
  source: string;
  fits: AdapterFit[];
  families: string[];
}

/** Every adapter type in the catalog, by id. */
export function listAdapterTypes(db: Db): AdapterType[] {
  const fits = adapterFitRecords(db);
  const fams = adapterFamilyRecords(db);
  return adapterTypeRecords(db).map((t) => ({
    ...t,
    fits: fits.filter((f) => f.adapterType === t.id).map(({ adapterType: _t, ...f }) => f),
    families: fams.filter((f) => f.adapterType === t.id).map((f) => f.family),
  }));
}

/** The adapter type `id`; an unknown id throws with the nearest ids. */
export function getAdapterType(db: Db, id: string): AdapterType {
  const all = listAdapterTypes(db);
  const t = all.find((a) => a.id === id.toLowerCase());
  if (t) return t;
  const near = nearest(id, all.map((a) => a.id));
  throw new CatalogError('unknown-adapter-type', `unknown adapter type "${id}"; ${near.length ? `did you mean ${near.join(', ')}?` : 'see `gangflash adapters types`'}`);
}

/** Chip kinds each programmer family drives. */
export function familyKinds(db: Db): Map<string, string[]> {
  const rows = familyKindRecords(db);
  return new Map(rows.map((r) => [r.family, JSON.parse(r.kinds) as string[]]));
}
