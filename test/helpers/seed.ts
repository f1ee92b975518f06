import type { Db } from '../../src/db/open.js';

/** Inserts a minimal chip row (a NAND part) for tests that don't need the real catalog. */
export function seedChip(db: Db, part = 'TEST-NAND-1G'): string {
  db.prepare(
    `INSERT OR IGNORE INTO chips (part, vendor, kind, package, body_w_mm, body_l_mm, pitch_mm, capacity_bytes, id_bytes, geometry, timings, defect_rate, source, catalog_file)
     VALUES (?, 'Test', 'nand', 'TSOP48', 12, 20, 0.5, 134217728, '2cf1809504', ?, '{}', 0.001, 'test fixture', 'test')`,
  ).run(part, JSON.stringify({ pageSize: 2048, spareSize: 64, pagesPerBlock: 64, blocks: 1024, minValidBlocks: 1004, badBlockMarker: { pages: [0], spareOffset: 0 } }));
  return part;
}

/** Inserts an image and a job row for `chip` and returns the job's name. */
export function seedJob(db: Db, name: string, chip: string): string {
  const sha = name.padEnd(64, '0').slice(0, 64);
  db.prepare(`INSERT OR IGNORE INTO images (sha256, path, format, size) VALUES (?, '/dev/null', 'raw', 0)`).run(sha);
  const v = (db.prepare('SELECT coalesce(max(version), 0) + 1 AS v FROM jobs WHERE name = ?').get(name) as { v: number }).v;
  db.prepare(`INSERT INTO jobs (name, version, chip, image_sha256, spec) VALUES (?, ?, ?, ?, '{}')`).run(name, v, chip, sha);
  return name;
}
