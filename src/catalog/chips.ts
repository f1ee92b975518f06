import type { Db } from '../db/open.js';
import { CatalogError } from '../errors.js';
import type { Chip, ChipKind } from './chip.js';
import { nearest } from './suggest.js';
import { chipParts, chipRecord, chipRecords, type ChipRecord } from '../store/catalog.js';

/** Filters for `listChips`. */
export interface ChipFilter {
  /** Case-insensitive text found in the part number or vendor. @default none */
  text?: string;
  /** Only this kind. @default all kinds */
  kind?: ChipKind;
  /** Only this package name (case-insensitive, e.g. BGA153). @default all packages */
  package?: string;
}

/** Builds a Chip from its stored record. */
export function chipFromRow(r: ChipRecord): Chip {
  return {
    part: r.part, vendor: r.vendor, kind: r.kind as ChipKind, package: r.package, bodyWmm: r.bodyWmm, bodyLmm: r.bodyLmm,
    pitchMm: r.pitchMm, capacityBytes: r.capacityBytes, idBytes: r.idBytes, geometry: JSON.parse(r.geometry),
    timings: JSON.parse(r.timings), defectRate: r.defectRate, source: r.source,
  };
}

/** The chip with part number `part` (case-insensitive); an unknown part throws with the nearest part numbers. */
export function getChip(db: Db, part: string): Chip {
  const row = chipRecord(db, part);
  if (row) return chipFromRow(row);
  const parts = chipParts(db);
  if (parts.length === 0) throw new CatalogError('catalog-empty', `the chip catalog is empty; run \`gangflash db init\` first`);
  const near = nearest(part, parts);
  const hint = near.length ? `did you mean ${near.join(', ')}?` : 'list parts with `gangflash chips TEXT`';
  throw new CatalogError('unknown-part', `unknown part number "${part}"; ${hint}`);
}

/** Chips matching `filter`, ordered by kind, vendor and part. */
export function listChips(db: Db, filter: ChipFilter = {}): Chip[] {
  return chipRecords(db, filter).map(chipFromRow);
}
