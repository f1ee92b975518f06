import http from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { getChip } from '../../src/catalog/chips.js';
import { overrideLife, retireAdapter } from '../../src/inventory/adapters.js';
import { setSiteEnabled } from '../../src/inventory/sites.js';
import { compatReport } from '../../src/inventory/compat-report.js';
import { siteUnusable, usableSites } from '../../src/inventory/usable-sites.js';
import { planLot } from '../../src/planning/plan.js';
import { startDashboard } from '../../src/serve/server.js';
import { runCli } from '../helpers/cli.js';
import { lotFixture } from '../helpers/lot-fixture.js';
import { tmpDir } from '../helpers/tmp.js';

const dir = tmpDir();
const CHIP = 'KLM8G1GETF-B041';
// emmc-153-11.5x13-clam-1 adapters are rated for 5,000 insertions (adapters/emmc.json).
const RATED = 5000;
const IMAGE_BYTES = 256 << 10;

function getJson(url: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => (body += c)).on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(body) }));
    }).on('error', reject);
  });
}

describe('one usable-site rule', () => {
  it('the run, plan, compat and the dashboard agree on a farm with overridden, disabled, retired, over-life and near-life adapters', async () => {
    // sim-1, sites 0..7, one 1-site adapter A-1-s on each (built through the inventory, job and lot functions).
    const { dbFile, lot } = await lotFixture({
      dir,
      programmers: 1,
      sites: 8,
      devices: 40,
      prior: { 'A-1-1': RATED, 'A-1-2': RATED + 5, 'A-1-3': RATED - 100 },
    });
    const db = openDb(dbFile);
    let usable: number[];
    try {
      overrideLife(db, 'A-1-2', 'golden socket, checked', 'test'); // past its life, allowed by the operator
      setSiteEnabled(db, 'sim-1:4', false, 'bent pins', 'test');
      retireAdapter(db, 'A-1-5', 'cracked lid'); // retired: taken off site 5
      // A-1-1 is at its rated life without an override; A-1-3 is in its last 10 % (a warning, still used).
      const chip = getChip(db, CHIP);
      const all = usableSites(db, chip, { includeUnusable: true });
      usable = usableSites(db, chip).map((s) => s.site);
      expect(usable).toEqual([0, 2, 3, 6, 7]);
      expect(Object.fromEntries(all.filter((s) => siteUnusable(s) !== null).map((s) => [s.site, siteUnusable(s)]))).toEqual({
        1: `adapter A-1-1 reached its rated life (${RATED}/${RATED} insertions)`,
        4: 'disabled (bent pins)',
        5: 'no adapter mounted',
      });

      const plan = planLot(db, { chip: CHIP, qty: 40, image: { size: IMAGE_BYTES, blankBytes: 0 } });
      expect(plan.sites.healthy).toBe(usable.length);
      expect(plan.devicesPerCycle).toBe(usable.length);
      expect(plan.sites.unhealthy.map((u) => u.site)).toEqual([1, 4, 5]);

      const compat = compatReport(db, CHIP);
      expect(compat.totalHealthySites).toBe(usable.length);
      expect(compat.adapterTypes.find((t) => t.type === 'emmc-153-11.5x13-clam-1')?.healthySites).toBe(usable.length);
    } finally {
      db.close();
    }

    const d = await startDashboard({ dbFile, port: 0 });
    try {
      const r = await getJson(`${d.url}api/plan?chip=${CHIP}&qty=40&imageBytes=${IMAGE_BYTES}`);
      expect(r.status).toBe(200);
      expect(r.body.sites.healthy).toBe(usable.length);
      expect(r.body.sites.unhealthy.map((u: { site: number }) => u.site)).toEqual([1, 4, 5]);
    } finally {
      await d.close();
    }

    // The run inserts devices on exactly those sites.
    const run = runCli(['--db', dbFile, 'run', '--lot', lot, '--json', '--speed', 'unlimited']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const after = openDb(dbFile, { create: false });
    try {
      const used = after.prepare('SELECT DISTINCT site FROM attempts WHERE lot_id = ? ORDER BY site').pluck().all(lot);
      expect(used).toEqual(usable);
    } finally {
      after.close();
    }
  }, 120_000);
});
