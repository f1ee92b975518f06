import type { Db } from '../db/open.js';
import { statements } from './statements.js';

/** A chip as the dashboard lists it. */
export interface ChipListRow {
  part: string;
  kind: string;
  package: string;
}

/** An image as the dashboard lists it. */
export interface ImageListRow {
  sha256: string;
  path: string;
  format: string;
  size: number;
}

const FAMILY = { name: 'catalog-lists' };

const prepare = (db: Db) => ({
  chips: db.prepare('SELECT part, kind, package FROM chips ORDER BY part'),
  images: db.prepare('SELECT sha256, path, format, size FROM images ORDER BY created_at DESC'),
  image: db.prepare('SELECT sha256, size FROM images WHERE sha256 = ?'),
});

/** Every chip of the catalog, by part number. */
export function chipList(db: Db): ChipListRow[] {
  return statements(db, FAMILY, prepare).chips.all() as ChipListRow[];
}

/** Every registered image, newest first. */
export function imageList(db: Db): ImageListRow[] {
  return statements(db, FAMILY, prepare).images.all() as ImageListRow[];
}

/** One registered image's digest and size, or undefined. */
export function imageSize(db: Db, sha256: string): { sha256: string; size: number } | undefined {
  return statements(db, FAMILY, prepare).image.get(sha256) as { sha256: string; size: number } | undefined;
}
