import type { Db } from '../db/open.js';
import type { Chip } from '../catalog/chip.js';

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

/** Body-size and pitch tolerance, mm: catalog figures are rounded to 0.01 mm. */
const TOL = 0.05;

/**
 * The adapter types that fit `chip`, decided by the catalog data: an `adapter_fits` row with the chip's package,
 * body size (either orientation) and pitch, and a family of the type that supports the chip's kind.
 */
export function fittingTypes(db: Db, chip: Chip): FittingType[] {
  const rows = db
    .prepare(
      `SELECT t.id, t.name, t.vendor, t.sites, t.rated_insertions AS rated,
              group_concat(DISTINCT af.family) AS families
         FROM adapter_types t
         JOIN adapter_families af ON af.adapter_type = t.id
         JOIN programmer_families pf ON pf.family = af.family
        WHERE EXISTS (SELECT 1 FROM json_each(pf.kinds) k WHERE k.value = @kind)
          AND EXISTS (SELECT 1 FROM adapter_fits f
                       WHERE f.adapter_type = t.id
                         AND upper(f.package) = upper(@package)
                         AND abs(f.pitch_mm - @pitch) <= ${TOL}
                         AND ((abs(f.body_w_mm - @w) <= ${TOL} AND abs(f.body_l_mm - @l) <= ${TOL})
                           OR (abs(f.body_w_mm - @l) <= ${TOL} AND abs(f.body_l_mm - @w) <= ${TOL})))
        GROUP BY t.id
        ORDER BY t.id`,
    )
    .all({ kind: chip.kind, package: chip.package, pitch: chip.pitchMm, w: chip.bodyWmm, l: chip.bodyLmm }) as {
    id: string;
    name: string;
    vendor: string;
    sites: number;
    rated: number;
    families: string;
  }[];
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    vendor: r.vendor,
    sites: r.sites,
    ratedInsertions: r.rated,
    families: r.families.split(',').sort(),
  }));
}
