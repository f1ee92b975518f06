import type { Db } from '../db/open.js';
import { CatalogError } from '../errors.js';
import type { Chip, ChipKind } from './chip.js';
import { nearest } from './suggest.js';

/** Filters for `listChips`. */
export interface ChipFilter {
  /** Case-insensitive text found in the part number or vendor. @default none */
  text?: string;
  /** Only this kind. @default all kinds */
  kind?: ChipKind;
  /** Only this package name (case-insensitive, e.g. BGA153). @default all packages */
  package?: string;
}

interface ChipRow {
  part: string; vendor: string; kind: ChipKind; package: string; body_w_mm: number; body_l_mm: number; pitch_mm: number;
  capacity_bytes: number; id_bytes: string; geometry: string; timings: string; defect_rate: number; source: string;
}

/** Builds a Chip from its database row. */
export function chipFromRow(r: ChipRow): Chip {
  return {
    part: r.part, vendor: r.vendor, kind: r.kind, package: r.package, bodyWmm: r.body_w_mm, bodyLmm: r.body_l_mm,
    pitchMm: r.pitch_mm, capacityBytes: r.capacity_bytes, idBytes: r.id_bytes, geometry: JSON.parse(r.geometry),
    timings: JSON.parse(r.timings), defectRate: r.defect_rate, source: r.source,
  };
}

/** The chip with part number `part` (case-insensitive); an unknown part throws with the nearest part numbers. */
export function getChip(db: Db, part: string): Chip {
  const row = db.prepare('SELECT * FROM chips WHERE part = ? COLLATE NOCASE').get(part) as ChipRow | undefined;
  if (row) return chipFromRow(row);
  const parts = db.prepare('SELECT part FROM chips').pluck().all() as string[];
  if (parts.length === 0) throw new CatalogError('catalog-empty', `the chip catalog is empty; run \`gangflash db init\` first`);
  const near = nearest(part, parts);
  const hint = near.length ? `did you mean ${near.join(', ')}?` : 'list parts with `gangflash chips TEXT`';
  throw new CatalogError('unknown-part', `unknown part number "${part}"; ${hint}`);
}

/** Chips matching `filter`, ordered by kind, vendor and part. */
export function listChips(db: Db, filter: ChipFilter = {}): Chip[] {
  const where: string[] = [];
  const args: Record<string, string> = {};
  if (filter.text) {
    where.push("(part LIKE @text ESCAPE '\\' OR vendor LIKE @text ESCAPE '\\')");
    args.text = `%${filter.text.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
  }
  if (filter.kind) (where.push('kind = @kind'), (args.kind = filter.kind));
  if (filter.package) (where.push('package = @package COLLATE NOCASE'), (args.package = filter.package));
  const sql = `SELECT * FROM chips ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY kind, vendor, part`;
  return (db.prepare(sql).all(args) as ChipRow[]).map(chipFromRow);
}
