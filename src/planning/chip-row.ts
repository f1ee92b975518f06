import type { Db } from '../db/open.js';
import type { Chip } from '../catalog/chip.js';
import { CatalogError } from '../errors.js';

/** A `chips` row as stored. */
interface ChipRow {
  part: string;
  vendor: string;
  kind: Chip['kind'];
  package: string;
  body_w_mm: number;
  body_l_mm: number;
  pitch_mm: number;
  capacity_bytes: number;
  id_bytes: string;
  geometry: string;
  timings: string;
  defect_rate: number;
  source: string;
}

/** Reads one chip from the catalog tables; an unknown part is refused with the nearest part numbers. */
export function loadChip(db: Db, part: string): Chip {
  const row = db.prepare('SELECT * FROM chips WHERE part = ? COLLATE NOCASE').get(part) as ChipRow | undefined;
  if (!row) {
    const near = db
      .prepare("SELECT part FROM chips WHERE part LIKE ? ORDER BY length(part) LIMIT 5")
      .all(`%${part.slice(0, Math.max(3, Math.floor(part.length / 2)))}%`) as { part: string }[];
    const hint = near.length ? `; did you mean ${near.map((n) => n.part).join(', ')}?` : '; list parts with `gangflash chips`';
    throw new CatalogError('unknown-chip', `no chip ${part} in the catalog${hint}`);
  }
  return {
    part: row.part,
    vendor: row.vendor,
    kind: row.kind,
    package: row.package,
    bodyWmm: row.body_w_mm,
    bodyLmm: row.body_l_mm,
    pitchMm: row.pitch_mm,
    capacityBytes: row.capacity_bytes,
    idBytes: row.id_bytes,
    geometry: JSON.parse(row.geometry) as Chip['geometry'],
    timings: JSON.parse(row.timings) as Chip['timings'],
    defectRate: row.defect_rate,
    source: row.source,
  };
}
