import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LotService } from '../../src/scheduler/lot-service.js';
import { openDb } from '../../src/db/open.js';
import { lotFixture } from '../helpers/lot-fixture.js';
import { tmpDir } from '../helpers/tmp.js';

const dir = tmpDir();
const youngGeneration = path.resolve(import.meta.dirname, '../../src/cli/young-generation.ts');

/**
 * Runs a child Node process that allocates a million short-lived objects while 20,000 at a time stay alive across
 * collections (what makes V8 grow a young generation), with the young generation held or not; returns the new
 * space's size (bytes) before and after.
 */
function newSpaceAcrossAllocation(hold: boolean): { before: number; after: number } {
  const script = `
    import v8 from 'node:v8';
    import { holdYoungGeneration } from ${JSON.stringify(youngGeneration)};
    const size = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
    const before = size();
    const release = ${hold} ? holdYoungGeneration() : () => {};
    let keep = [];
    for (let i = 0; i < 1e6; i++) { keep.push({ i }); if (keep.length > 20000) keep = []; }
    const after = size();
    release();
    console.log(JSON.stringify({ before, after }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { before: number; after: number };
}

describe("a run's memory does not grow with the lot's length", () => {
  it('a held young generation keeps its size under allocation that would otherwise make V8 grow it', () => {
    const free = newSpaceAcrossAllocation(false);
    expect(free.after).toBeGreaterThan(free.before);
    const held = newSpaceAcrossAllocation(true);
    expect(held.after).toBe(held.before);
  });

  it("a run's connection keeps SQLite's 2000 KiB page cache; other connections keep better-sqlite3's 16000", async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'cache'), devices: 4 });
    const service = await LotService.open({ dbFile, lot: 'LOT-1' });
    try {
      expect(service.db.pragma('cache_size', { simple: true })).toBe(-2000);
    } finally {
      service.close();
    }
    const db = openDb(dbFile, { create: false });
    try {
      expect(db.pragma('cache_size', { simple: true })).toBe(-16000);
    } finally {
      db.close();
    }
  });
});
