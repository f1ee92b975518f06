import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { openDb } from '../../src/db/open.js';
import type { Chip } from '../../src/catalog/chip.js';
import { smallEmmc, smallNand } from '../layout/chips.js';

/** The test chips every jobs test database holds: TEST-NAND (32 blocks of 2 KiB, 28 valid) and TEST-EMMC. */
export const testChips: Chip[] = [smallNand(32, 28), smallEmmc()];

/** Creates a migrated database at `file` holding the test chips (as catalog rows). */
export function makeJobDb(file: string): void {
  const db = openDb(file);
  const ins = db.prepare(
    `INSERT INTO chips (part, vendor, kind, package, body_w_mm, body_l_mm, pitch_mm, capacity_bytes, id_bytes, geometry, timings, defect_rate, source, catalog_file)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'test')`,
  );
  for (const c of testChips) {
    ins.run(c.part, c.vendor, c.kind, c.package, c.bodyWmm, c.bodyLmm, c.pitchMm, c.capacityBytes, c.idBytes, JSON.stringify(c.geometry), JSON.stringify(c.timings), c.defectRate, c.source);
  }
  db.close();
}

/** Writes `size` random bytes to `dir/name` and returns the path. */
export function randomFile(dir: string, name: string, size: number): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, randomBytes(size));
  return file;
}
