import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/open.js';
import { defaultCatalogPaths, loadCatalogs } from '../../src/catalog/load.js';
import { CatalogError } from '../../src/errors.js';
import { adapterPrices } from '../../src/store/adapter-prices.js';
import { tmpDir } from '../helpers/tmp.js';

const dir = tmpDir();
let n = 0;

/** A fresh database with the shipped catalogs loaded. */
function loadedDb(): Db {
  const db = openDb(path.join(dir, `db-${n++}.db`));
  loadCatalogs(db);
  return db;
}

/** Every catalog table's rows, to compare before and after. */
function snapshot(db: Db): string {
  return ['programmer_families', 'programmer_models', 'chips', 'adapter_types', 'adapter_fits', 'adapter_families']
    .map((t) => JSON.stringify(db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all()))
    .join('\n');
}

/** A temp copy of the shipped chip folder with `edit` applied to the named file's JSON. */
function brokenChipDir(file: string, edit: (doc: { chips: Record<string, unknown>[] }) => void): string {
  const copy = fs.mkdtempSync(path.join(dir, 'chips-'));
  for (const f of fs.readdirSync(defaultCatalogPaths.chipDir)) fs.copyFileSync(path.join(defaultCatalogPaths.chipDir, f), path.join(copy, f));
  const doc = JSON.parse(fs.readFileSync(path.join(copy, file), 'utf8'));
  edit(doc);
  fs.writeFileSync(path.join(copy, file), JSON.stringify(doc));
  return copy;
}

function loadError(db: Db, paths: Parameters<typeof loadCatalogs>[1]): CatalogError {
  try {
    loadCatalogs(db, paths);
  } catch (e) {
    if (e instanceof CatalogError) return e;
    throw e;
  }
  throw new Error('load did not fail');
}

describe('catalog loader', () => {
  it('loading the catalogs twice changes nothing the second time', () => {
    const db = loadedDb();
    const before = snapshot(db);
    const r = loadCatalogs(db);
    expect(r.unchanged).toBe(true);
    expect(r.chips).toMatchObject({ inserted: 0, updated: 0 });
    expect(snapshot(db)).toBe(before);
    db.close();
  });

  it('an edited entry is reported as one update', () => {
    const db = loadedDb();
    const chipDir = brokenChipDir('spi-nor.json', (d) => (d.chips[0].defectRate = 0.005));
    const r = loadCatalogs(db, { chipDir });
    expect(r.chips).toMatchObject({ inserted: 0, updated: 1 });
    db.close();
  });

  it('a chip with a missing field fails naming file, part number and field, and leaves the database as it was', () => {
    const db = loadedDb();
    const before = snapshot(db);
    const chipDir = brokenChipDir('emmc.json', (d) => {
      d.chips[0].defectRate = 0.009; // a change that must not land
      delete d.chips[2].idBytes;
    });
    const e = loadError(db, { chipDir });
    expect(e.code).toBe('catalog-invalid');
    expect(e.file).toBe(path.join(chipDir, 'emmc.json'));
    expect(e.message).toMatch(/chip KLMBG2JETD-B041 \(chips\[2\]\): field idBytes is missing/);
    expect(snapshot(db)).toBe(before);
    db.close();
  });

  it('a duplicate part number fails naming both files and changes nothing', () => {
    const db = loadedDb();
    const before = snapshot(db);
    const chipDir = brokenChipDir('spi-nand.json', (d) => d.chips.push({ ...d.chips[0], part: 'W25Q64JVSSIQ' }));
    const e = loadError(db, { chipDir });
    expect(e.code).toBe('catalog-duplicate');
    expect(e.describe()).toMatch(/spi-nor\.json: chip W25Q64JVSSIQ \(chips\[3\]\): field part is a duplicate of the entry in spi-nand\.json/);
    expect(snapshot(db)).toBe(before);
    db.close();
  });

  it('a broken invariant names the field that disagrees', () => {
    const db = openDb(path.join(dir, 'inv.db'));
    const chipDir = brokenChipDir('nand-onfi.json', (d) => ((d.chips[0].geometry as { blocks: number }).blocks = 2048));
    const e = loadError(db, { chipDir });
    expect(e.message).toMatch(/chip MT29F1G08ABAEAWP \(chips\[0\]\): field capacityBytes is 134217728 but pageSize × pagesPerBlock × blocks = 268435456/);
    expect(db.prepare('SELECT count(*) FROM chips').pluck().get()).toBe(0);
    db.close();
  });

  it('an adapter type with a wrong field type fails naming its id, and a duplicate id is refused', () => {
    const db = openDb(path.join(dir, 'ad.db'));
    const copy = fs.mkdtempSync(path.join(dir, 'adapters-'));
    for (const f of fs.readdirSync(defaultCatalogPaths.adapterDir)) fs.copyFileSync(path.join(defaultCatalogPaths.adapterDir, f), path.join(copy, f));
    const file = path.join(copy, 'tsop48.json');
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    doc.adapterTypes[1].sites = 'four';
    fs.writeFileSync(file, JSON.stringify(doc));
    expect(loadError(db, { adapterDir: copy }).message).toMatch(/adapter type tsop48-gang-4 \(adapterTypes\[1\]\): field sites /);
    doc.adapterTypes[1] = { ...doc.adapterTypes[0] };
    fs.writeFileSync(file, JSON.stringify(doc));
    expect(loadError(db, { adapterDir: copy }).message).toMatch(/tsop48-zif-1 \(adapterTypes\[1\]\): field id is a duplicate/);
    db.close();
  });

  it('an adapter type\'s list price is loaded with it, and a negative price is refused', () => {
    const db = openDb(path.join(dir, 'price.db'));
    const copy = fs.mkdtempSync(path.join(dir, 'adapters-'));
    for (const f of fs.readdirSync(defaultCatalogPaths.adapterDir)) fs.copyFileSync(path.join(defaultCatalogPaths.adapterDir, f), path.join(copy, f));
    const file = path.join(copy, 'tsop48.json');
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    doc.adapterTypes[0].price = 349.5;
    fs.writeFileSync(file, JSON.stringify(doc));
    loadCatalogs(db, { adapterDir: copy });
    expect(adapterPrices(db).types.get(doc.adapterTypes[0].id)).toBe(349.5);
    expect(adapterPrices(db).types.get(doc.adapterTypes[1].id)).toBeNull();
    doc.adapterTypes[0].price = -1;
    fs.writeFileSync(file, JSON.stringify(doc));
    expect(loadError(db, { adapterDir: copy }).message).toMatch(/field price /);
    db.close();
  });
});
