import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { CatalogError } from '../../src/errors.js';
import { defaultCatalogPaths, loadCatalogs, storeCatalogs } from '../../src/catalog/load.js';
import { readCatalogs, type CatalogPaths } from '../../src/catalog/read-files.js';
import { tmpDir } from '../helpers/tmp.js';
import { TEST_TIMEOUT, applyJsonEdits, applyTextEdits, fuzz, jsonEdits, parsesOrOwnError, textEdits } from './fuzz-kit.js';

const dir = tmpDir('gangflash-fuzz-catalog-');
const d = defaultCatalogPaths;
/** The shipped catalog files: the seeds every mutation starts from. */
const seeds = [
  ...fs.readdirSync(d.chipDir).filter((f) => f.endsWith('.json')).map((f) => ({ kind: 'chip' as const, name: f, text: fs.readFileSync(path.join(d.chipDir, f), 'utf8') })),
  ...fs.readdirSync(d.adapterDir).filter((f) => f.endsWith('.json')).map((f) => ({ kind: 'adapter' as const, name: f, text: fs.readFileSync(path.join(d.adapterDir, f), 'utf8') })),
  { kind: 'programmers' as const, name: 'programmers.json', text: fs.readFileSync(d.programmersFile, 'utf8') },
];

/** One copy of the shipped catalogs; each input replaces one file of it and `restore` puts the file back. */
const copy: CatalogPaths = { chipDir: path.join(dir, 'chips'), adapterDir: path.join(dir, 'adapters'), programmersFile: path.join(dir, 'programmers.json') };
fs.cpSync(d.chipDir, copy.chipDir, { recursive: true });
fs.cpSync(d.adapterDir, copy.adapterDir, { recursive: true });
fs.copyFileSync(d.programmersFile, copy.programmersFile);
const fileOf = (seed: (typeof seeds)[number]) =>
  seed.kind === 'chip' ? path.join(copy.chipDir, seed.name) : seed.kind === 'adapter' ? path.join(copy.adapterDir, seed.name) : copy.programmersFile;

/** Runs `fn` on the catalog copy with the seed's file replaced by `text`, then restores the file. */
function withCatalog<T>(seed: (typeof seeds)[number], text: string, fn: (p: CatalogPaths) => T): T {
  fs.writeFileSync(fileOf(seed), text);
  try {
    return fn(copy);
  } finally {
    fs.writeFileSync(fileOf(seed), seed.text);
  }
}

const mutated = fc.tuple(fc.constantFrom(...seeds), fc.oneof(jsonEdits.map((e) => ({ json: e })), textEdits.map((e) => ({ text: e }))));
const apply = (seed: (typeof seeds)[number], m: { json: Parameters<typeof applyJsonEdits>[1] } | { text: Parameters<typeof applyTextEdits>[1] }) =>
  'json' in m ? JSON.stringify(applyJsonEdits(JSON.parse(seed.text), m.json), null, 2) ?? '' : applyTextEdits(seed.text, m.text);

describe('fuzz: catalog files', () => {
  it('readCatalogs: a mutated chip, adapter or programmer file validates or fails with a CatalogError naming the file', async () => {
    await fuzz(
      fc.property(mutated, ([seed, m]) => {
        const text = apply(seed, m);
        const r = parsesOrOwnError(() => withCatalog(seed, text, readCatalogs), { file: seed.name, text });
        if (r instanceof Error) {
          expect(r).toBeInstanceOf(CatalogError);
          expect((r as CatalogError).file).toBeDefined();
        }
      }),
    );
  }, TEST_TIMEOUT);

  it('storeCatalogs: a mutated catalog that validates loads over a database in use, or fails with a CatalogError that changes nothing', async () => {
    const db = openDb(path.join(dir, 'store.db'));
    loadCatalogs(db);
    const rows = () => db.prepare(`SELECT (SELECT count(*) FROM chips) || ' / ' || (SELECT count(*) FROM adapter_types) || ' / ' || (SELECT count(*) FROM adapter_fits)`).pluck().get();
    try {
      await fuzz(
        fc.property(mutated, ([seed, m]) => {
          const text = apply(seed, m);
          let data;
          try {
            data = withCatalog(seed, text, readCatalogs);
          } catch {
            return;
          }
          const before = rows();
          const r = parsesOrOwnError(() => storeCatalogs(db, data), { file: seed.name, text });
          if (r instanceof Error) expect(rows()).toBe(before);
        }),
      );
    } finally {
      db.close();
    }
  }, TEST_TIMEOUT);
});
