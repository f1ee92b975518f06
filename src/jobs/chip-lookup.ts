import type { Db } from '../db/open.js';
import type { Chip } from '../catalog/chip.js';
import { JobError } from '../errors.js';

/** A `chips` row as stored (chipdb/migrations/001). */
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

/** The catalog chip `part`; a JobError naming the part (and how to find parts) when the catalog lacks it. */
export function chipForJob(db: Db, part: string): Chip {
  const row = db
    .prepare('SELECT part, vendor, kind, package, body_w_mm, body_l_mm, pitch_mm, capacity_bytes, id_bytes, geometry, timings, defect_rate, source FROM chips WHERE part = ?')
    .get(part) as ChipRow | undefined;
  if (!row) {
    throw new JobError('unknown-chip', `chip ${part} is not in the catalog; list parts with \`gangflash chips\` or load the catalog with \`gangflash db init\``);
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
