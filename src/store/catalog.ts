import type { Db } from '../db/open.js';
import { statements } from './statements.js';

/** A chip as stored in the catalog tables. */
export interface ChipRecord {
  part: string;
  vendor: string;
  kind: string;
  package: string;
  bodyWmm: number;
  bodyLmm: number;
  pitchMm: number;
  capacityBytes: number;
  idBytes: string;
  /** JSON text. */
  geometry: string;
  /** JSON text. */
  timings: string;
  defectRate: number;
  source: string;
}

/** Which chips to read: each filter set narrows the list. */
export interface ChipQuery {
  /** Case-insensitive text found in the part number or vendor. */
  text?: string;
  kind?: string;
  /** Package name, case-insensitive. */
  package?: string;
}

/** An adapter type as stored (without its fits and families). */
export interface AdapterTypeRecord {
  id: string;
  name: string;
  vendor: string;
  package: string;
  pitchMm: number;
  sites: number;
  ratedInsertions: number;
  source: string;
}

/** One (package, body, pitch) an adapter type takes. */
export interface AdapterFitRecord {
  adapterType: string;
  package: string;
  bodyWmm: number;
  bodyLmm: number;
  pitchMm: number;
}

/** A programmer model from the catalog. */
export interface ProgrammerModelRecord {
  model: string;
  driver: string;
  sites: number;
}

/** A USB programmer model: one with a VID and PID. */
export interface UsbModelRecord extends ProgrammerModelRecord {
  vid: number;
  pid: number;
}

/** A catalog row to write: column name to value. */
export type CatalogRow = Record<string, string | number | null>;

/** What writing one catalog table did. */
export interface UpsertCounts {
  inserted: number;
  updated: number;
  /** Rows in the table whose key the written rows do not list. */
  notListed: number;
}

const CHIP = `part, vendor, kind, package, body_w_mm AS bodyWmm, body_l_mm AS bodyLmm, pitch_mm AS pitchMm, capacity_bytes AS capacityBytes,
  id_bytes AS idBytes, geometry, timings, defect_rate AS defectRate, source`;

const FAMILY = {};

function prepare(db: Db) {
  return {
    chip: db.prepare(`SELECT ${CHIP} FROM chips WHERE part = ? COLLATE NOCASE`),
    chipExact: db.prepare('SELECT 1 FROM chips WHERE part = ?').pluck(),
    parts: db.prepare('SELECT part FROM chips').pluck(),
    chips: db.prepare(
      `SELECT ${CHIP} FROM chips WHERE (@text IS NULL OR part LIKE @text ESCAPE '\\' OR vendor LIKE @text ESCAPE '\\')
         AND (@kind IS NULL OR kind = @kind) AND (@package IS NULL OR package = @package COLLATE NOCASE) ORDER BY kind, vendor, part`,
    ),
    types: db.prepare('SELECT id, name, vendor, package, pitch_mm AS pitchMm, sites, rated_insertions AS ratedInsertions, source FROM adapter_types ORDER BY id'),
    fits: db.prepare(
      'SELECT adapter_type AS adapterType, package, body_w_mm AS bodyWmm, body_l_mm AS bodyLmm, pitch_mm AS pitchMm FROM adapter_fits ORDER BY package, body_w_mm, body_l_mm',
    ),
    families: db.prepare('SELECT adapter_type AS adapterType, family FROM adapter_families ORDER BY family'),
    kinds: db.prepare('SELECT family, kinds FROM programmer_families'),
    model: db.prepare('SELECT model, driver, sites FROM programmer_models WHERE model = ?'),
    models: db.prepare('SELECT model FROM programmer_models').pluck(),
    usbModels: db.prepare('SELECT model, driver, vid, pid, sites FROM programmer_models WHERE vid IS NOT NULL AND pid IS NOT NULL ORDER BY model'),
  };
}

const s = (db: Db) => statements(db, FAMILY, prepare);

/** The chip with part number `part` (case-insensitive), or undefined. */
export function chipRecord(db: Db, part: string): ChipRecord | undefined {
  return s(db).chip.get(part) as ChipRecord | undefined;
}

/** True when the catalog has a chip with exactly this part number. */
export function chipExists(db: Db, part: string): boolean {
  return s(db).chipExact.get(part) !== undefined;
}

/** Every part number in the catalog. */
export function chipParts(db: Db): string[] {
  return s(db).parts.all() as string[];
}

/** The chips matching `q`, by kind, vendor and part. */
export function chipRecords(db: Db, q: ChipQuery = {}): ChipRecord[] {
  const text = q.text ? `%${q.text.replace(/[\\%_]/g, (c) => '\\' + c)}%` : null;
  return s(db).chips.all({ text, kind: q.kind || null, package: q.package || null }) as ChipRecord[];
}

/** Every adapter type, by id. */
export function adapterTypeRecords(db: Db): AdapterTypeRecord[] {
  return s(db).types.all() as AdapterTypeRecord[];
}

/** Every adapter fit, by package, body and pitch. */
export function adapterFitRecords(db: Db): AdapterFitRecord[] {
  return s(db).fits.all() as AdapterFitRecord[];
}

/** Which programmer family each adapter type plugs into, by family. */
export function adapterFamilyRecords(db: Db): { adapterType: string; family: string }[] {
  return s(db).families.all() as { adapterType: string; family: string }[];
}

/** The chip kinds of each programmer family (JSON text of a string list). */
export function familyKindRecords(db: Db): { family: string; kinds: string }[] {
  return s(db).kinds.all() as { family: string; kinds: string }[];
}

/** The programmer model `model`, or undefined. */
export function programmerModel(db: Db, model: string): ProgrammerModelRecord | undefined {
  return s(db).model.get(model) as ProgrammerModelRecord | undefined;
}

/** Every programmer model name. */
export function programmerModelNames(db: Db): string[] {
  return s(db).models.all() as string[];
}

/** The USB programmer models (with a VID and PID), by model. */
export function usbModelRecords(db: Db): UsbModelRecord[] {
  return s(db).usbModels.all() as UsbModelRecord[];
}

/**
 * Writes catalog rows into `table` keyed by `key`: new keys are inserted, changed rows updated, identical rows left
 * untouched (not counted). Call inside a transaction.
 */
export function upsertCatalogRows(db: Db, table: string, key: string, rows: CatalogRow[]): UpsertCounts {
  const cols = Object.keys(rows[0]);
  const rest = cols.filter((c) => c !== key);
  const exists = db.prepare(`SELECT 1 FROM ${table} WHERE ${key} = ?`).pluck();
  const stmt = db.prepare(
    `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => '@' + c).join(', ')})
     ON CONFLICT (${key}) DO UPDATE SET ${rest.map((c) => `${c} = excluded.${c}`).join(', ')}
     WHERE (${rest.map((c) => `${table}.${c}`).join(', ')}) IS NOT (${rest.map((c) => `excluded.${c}`).join(', ')})`,
  );
  const counts: UpsertCounts = { inserted: 0, updated: 0, notListed: 0 };
  for (const r of rows) {
    const had = exists.get(r[key]) !== undefined;
    if (stmt.run(r).changes > 0) counts[had ? 'updated' : 'inserted']++;
  }
  const keys = new Set(rows.map((r) => r[key]));
  counts.notListed = (db.prepare(`SELECT ${key} FROM ${table}`).pluck().all() as unknown[]).filter((k) => !keys.has(k as string)).length;
  return counts;
}

/** Makes the link rows (`cols`) of one adapter type in `table` equal to `want`; returns rows added or removed. Call inside a transaction. */
export function syncAdapterLinks(db: Db, table: string, cols: string[], type: string, want: CatalogRow[]): number {
  const have = db.prepare(`SELECT ${cols.join(', ')} FROM ${table} WHERE adapter_type = ?`).all(type) as CatalogRow[];
  const k = (r: CatalogRow) => cols.map((c) => String(r[c])).join('|');
  const wantKeys = new Set(want.map(k));
  const haveKeys = new Set(have.map(k));
  let changed = 0;
  const del = db.prepare(`DELETE FROM ${table} WHERE adapter_type = @adapter_type AND ${cols.map((c) => `${c} = @${c}`).join(' AND ')}`);
  for (const r of have) if (!wantKeys.has(k(r))) changed += del.run({ ...r, adapter_type: type }).changes;
  const ins = db.prepare(`INSERT INTO ${table} (adapter_type, ${cols.join(', ')}) VALUES (@adapter_type, ${cols.map((c) => '@' + c).join(', ')})`);
  for (const r of want) if (!haveKeys.has(k(r))) changed += ins.run({ ...r, adapter_type: type }).changes;
  return changed;
}
