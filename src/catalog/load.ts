import type { Db } from '../db/open.js';
import { adapterCatalogDir, chipCatalogDir, programmerCatalogFile } from '../paths.js';
import { readCatalogs, type CatalogData, type CatalogPaths } from './read-files.js';
import { atomically } from '../store/atomic.js';
import { syncAdapterLinks, upsertCatalogRows, type CatalogRow } from '../store/catalog.js';

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

/** Upserts rows of one table, counting inserts and real updates (an identical row is left untouched). */
function upsert(db: Db, table: string, key: string, rows: CatalogRow[]): TableCounts {
  const c = upsertCatalogRows(db, table, key, rows);
  return { total: rows.length, inserted: c.inserted, updated: c.updated, notInCatalog: c.notListed };
}

/** Writes validated catalog data into the database in one transaction. */
export function storeCatalogs(db: Db, data: CatalogData): LoadReport {
  return atomically(db, (): LoadReport => {
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
      fitRowsChanged += syncAdapterLinks(db, 'adapter_fits', ['package', 'body_w_mm', 'body_l_mm', 'pitch_mm'], t.id,
        t.fits.map((f) => ({ package: f.package, body_w_mm: f.bodyWmm, body_l_mm: f.bodyLmm, pitch_mm: f.pitchMm })));
      fitRowsChanged += syncAdapterLinks(db, 'adapter_families', ['family'], t.id, t.families.map((family) => ({ family })));
    }
    const all = [families, models, chips, adapterTypes];
    const unchanged = fitRowsChanged === 0 && all.every((c) => c.inserted === 0 && c.updated === 0);
    return { families, models, chips, adapterTypes, fitRowsChanged, unchanged };
  });
}

/** Validates every catalog file, then upserts all of it in one transaction; a bad file changes nothing. */
export function loadCatalogs(db: Db, paths: Partial<CatalogPaths> = {}): LoadReport {
  const data = readCatalogs({ ...defaultCatalogPaths, ...paths });
  return storeCatalogs(db, data);
}
