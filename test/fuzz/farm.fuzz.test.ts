import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { FarmError } from '../../src/errors.js';
import { loadCatalogs } from '../../src/catalog/load.js';
import { addAdapter } from '../../src/inventory/index.js';
import { loadFarmFile, validateFarm } from '../../src/farm/load.js';
import { syncFarm } from '../../src/farm/sync.js';
import { createDriver } from '../../src/programmers/registry.js';
import { tmpDir } from '../helpers/tmp.js';
import { TEST_TIMEOUT, applyJsonEdits, applyTextEdits, fuzz, jsonEdits, parsesOrOwnError, textEdits } from './fuzz-kit.js';

const dir = tmpDir('gangflash-fuzz-farm-');
const GOOD = {
  programmers: [
    { name: 'gang-1', driver: 'sim', model: 'sim-gang', serial: 'SIM-1', sites: 4, adapters: ['A-1', 'A-2', null], options: { seed: 3, speed: 'unlimited', contact: { base: 0.01, atRatedLife: 0.1 }, brokenSites: [2], flipBlock: [{ site: 1, block: 4 }] } },
    { name: 'readers', driver: 'blockdev', model: 'usb-emmc-reader-x4', serial: 'BD-1', sites: 2, adapters: ['A-3'], options: { targets: ['t0.img', 'sub/t1.img'], unitBytes: 8192, directIo: 'never' } },
  ],
};

/** The blockdev targets of a raw farm document, as listed (strings only). */
function listedTargets(doc: unknown): string[][] {
  const ps = (doc as { programmers?: unknown })?.programmers;
  if (!Array.isArray(ps)) return [];
  return ps.filter((p) => p?.driver === 'blockdev').map((p) => (Array.isArray(p?.options?.targets) ? p.options.targets : []));
}

describe('fuzz: farm files', () => {
  it('validateFarm: every mutated farm document validates or fails with a FarmError; blockdev targets are exactly the listed paths', async () => {
    await fuzz(
      fc.property(jsonEdits, (edits) => {
        const doc = applyJsonEdits(GOOD, edits);
        const r = parsesOrOwnError(() => validateFarm(doc, 'farm.json', dir), doc);
        if (r instanceof Error) {
          expect(r).toBeInstanceOf(FarmError);
          return;
        }
        const listed = listedTargets(doc);
        const got = r.programmers.filter((p) => p.driver === 'blockdev').map((p) => p.options.targets as string[]);
        expect(got).toEqual(listed.map((ts) => ts.map((t) => path.resolve(dir, t))));
        // A validated spec builds its driver without touching anything yet.
        for (const p of r.programmers) parsesOrOwnError(() => createDriver(p), p);
      }),
    );
  }, TEST_TIMEOUT);

  it('loadFarmFile: byte-mutated farm files load or fail with a FarmError', async () => {
    const file = path.join(dir, 'farm.json');
    const text = JSON.stringify(GOOD, null, 2);
    await fuzz(
      fc.property(textEdits, (edits) => {
        const t = applyTextEdits(text, edits);
        fs.writeFileSync(file, t);
        const r = parsesOrOwnError(() => loadFarmFile(file), t);
        if (r instanceof Error) expect(r).toBeInstanceOf(FarmError);
      }),
    );
  }, TEST_TIMEOUT);

  it('syncFarm: a farm that validates is registered in one transaction or refused with a GangflashError that changes nothing', async () => {
    const db = openDb(path.join(dir, 'sync.db'));
    loadCatalogs(db);
    for (const s of ['A-1', 'A-2', 'A-3', 'A-4']) addAdapter(db, { type: 'emmc-153-11.5x13-clam-1', serial: s });
    const snapshot = () => JSON.stringify([db.prepare('SELECT name, serial, options FROM programmers ORDER BY id').all(), db.prepare('SELECT serial, programmer_id, site FROM adapters ORDER BY id').all()]);
    try {
      await fuzz(
        fc.property(jsonEdits, (edits) => {
          const doc = applyJsonEdits(GOOD, edits);
          let farm;
          try {
            farm = validateFarm(doc, 'farm.json', dir);
          } catch {
            return;
          }
          const before = snapshot();
          const r = parsesOrOwnError(() => syncFarm(db, farm), doc);
          if (r instanceof Error) expect(snapshot()).toBe(before);
        }),
      );
    } finally {
      db.close();
    }
  }, TEST_TIMEOUT);
});
