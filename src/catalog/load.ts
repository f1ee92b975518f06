import type { Db } from '../db/open.js';
import { adapterCatalogDir, chipCatalogDir, programmerCatalogFile } from '../paths.js';
import { readCatalogs, type CatalogData, type CatalogPaths } from './read-files.js';

/** What one catalog table saw during a load. */
export interface TableCounts {
  /** Entries in the catalog files. */
  total: number;
  inserted: number;
  updated: number;
  /** Rows in the database that the catalog files no longer list (kept: history may point at them). */
  notInCatalog: number;
}

/** Counts reported by `loadCatalogs`. */
export interface LoadReport {
  families: TableCounts;
  models: TableCounts;
  chips: TableCounts;
  adapterTypes: TableCounts;
  /** adapter_fits and adapter_families rows added or removed. */
  fitRowsChanged: number;
  /** True when the load changed nothing in the database. */
  unchanged: boolean;
}

/** The package's own catalog paths. */
export const defaultCatalogPaths: CatalogPaths = { chipDir: chipCatalogDir, adapterDir: adapterCatalogDir, programmersFile: programmerCatalogFile };

type Row = Record<string, string | number | null>;

/** Upserts rows of one table, counting inserts and real updates (an identical row is left untouched). */
function upsert(db: Db, table: string, key: string, rows: Row[]): TableCounts {
  const cols = Object.keys(rows[0]);
  const rest = cols.filter((c) => c !== key);
  const exists = db.prepare(`SELECT 1 FROM ${table} WHERE ${key} = ?`).pluck();
  const stmt = db.prepare(
    `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => '@' + c).join(', ')})
     ON CONFLICT (${key}) DO UPDATE SET ${rest.map((c) => `${c} = excluded.${c}`).join(', ')}
     WHERE (${rest.map((c) => `${table}.${c}`).join(', ')}) IS NOT (${rest.map((c) => `excluded.${c}`).join(', ')})`,
  );
  const counts: TableCounts = { total: rows.length, inserted: 0, updated: 0, notInCatalog: 0 };
  for (const r of rows) {
    const had = exists.get(r[key]) !== undefined;
    if (stmt.run(r).changes > 0) counts[had ? 'updated' : 'inserted']++;
  }
  const keys = new Set(rows.map((r) => r[key]));
  counts.notInCatalog = (db.prepare(`SELECT ${key} FROM ${table}`).pluck().all() as unknown[]).filter((k) => !keys.has(k as string)).length;
  return counts;
}

/** Makes the link rows of one adapter type equal to `want` (keys joined by '|'); returns rows changed. */
function syncLinks(db: Db, table: string, cols: string[], type: string, want: Row[]): number {
  const have = db.prepare(`SELECT ${cols.join(', ')} FROM ${table} WHERE adapter_type = ?`).all(type) as Row[];
  const k = (r: Row) => cols.map((c) => String(r[c])).join('|');
  const wantKeys = new Set(want.map(k));
  const haveKeys = new Set(have.map(k));
  let changed = 0;
  const del = db.prepare(`DELETE FROM ${table} WHERE adapter_type = @adapter_type AND ${cols.map((c) => `${c} = @${c}`).join(' AND ')}`);
  for (const r of have) if (!wantKeys.has(k(r))) changed += del.run({ ...r, adapter_type: type }).changes;
  const ins = db.prepare(`INSERT INTO ${table} (adapter_type, ${cols.join(', ')}) VALUES (@adapter_type, ${cols.map((c) => '@' + c).join(', ')})`);
  for (const r of want) if (!haveKeys.has(k(r))) changed += ins.run({ ...r, adapter_type: type }).changes;
  return changed;
}

/** Writes validated catalog data into the database in one transaction. */
export function storeCatalogs(db: Db, data: CatalogData): LoadReport {
  return db.transaction((): LoadReport => {
    const families = upsert(db, 'programmer_families', 'family', data.families.map((f) => ({ family: f.family, kinds: JSON.stringify(f.kinds), description: f.description })));
    const models = upsert(db, 'programmer_models', 'model', data.models.map((m) => ({
      model: m.model, family: m.family, driver: m.driver, vid: m.vid ?? null, pid: m.pid ?? null, sites: m.sites, description: m.description,
    })));
    const chips = upsert(db, 'chips', 'part', data.chips.map((c) => ({
      part: c.part, vendor: c.vendor, kind: c.kind, package: c.package, body_w_mm: c.bodyWmm, body_l_mm: c.bodyLmm, pitch_mm: c.pitchMm,
      capacity_bytes: c.capacityBytes, id_bytes: c.idBytes, geometry: JSON.stringify(c.geometry), timings: JSON.stringify(c.timings),
      defect_rate: c.defectRate, source: c.source, catalog_file: c.catalogFile,
    })));
    const adapterTypes = upsert(db, 'adapter_types', 'id', data.adapterTypes.map((t) => ({
      id: t.id, name: t.name, vendor: t.vendor, package: t.package, pitch_mm: t.pitchMm, sites: t.sites,
      rated_insertions: t.ratedInsertions, source: t.source, catalog_file: t.catalogFile, price: t.price ?? null,
    })));
    let fitRowsChanged = 0;
    for (const t of data.adapterTypes) {
      fitRowsChanged += syncLinks(db, 'adapter_fits', ['package', 'body_w_mm', 'body_l_mm', 'pitch_mm'], t.id,
        t.fits.map((f) => ({ package: f.package, body_w_mm: f.bodyWmm, body_l_mm: f.bodyLmm, pitch_mm: f.pitchMm })));
      fitRowsChanged += syncLinks(db, 'adapter_families', ['family'], t.id, t.families.map((family) => ({ family })));
    }
    const all = [families, models, chips, adapterTypes];
    const unchanged = fitRowsChanged === 0 && all.every((c) => c.inserted === 0 && c.updated === 0);
    return { families, models, chips, adapterTypes, fitRowsChanged, unchanged };
  })();
}

/** Validates every catalog file, then upserts all of it in one transaction; a bad file changes nothing. */
export function loadCatalogs(db: Db, paths: Partial<CatalogPaths> = {}): LoadReport {
  const data = readCatalogs({ ...defaultCatalogPaths, ...paths });
  return storeCatalogs(db, data);
}
