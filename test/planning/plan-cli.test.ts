import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { EMMC, fixture } from './fixtures.js';

const dir = tmpDir();

describe('gangflash plan', () => {
  // One programmer of 4 sites with 4 fitting adapters; a 100,000,000-byte raw image:
  // 1e8 / 20e6 = 5 s + 8 s handling = 13 s per cycle; 400 × 1.01 = 404 insertions -> 101 cycles -> 1,313 s.
  const f = fixture(dir, 'cli.db').family('gang', ['emmc']).model('G4', 'gang', 4).chip(EMMC);
  f.adapterType({ id: 'bga153-a', package: 'BGA153', w: 11.5, l: 13, pitch: 0.5, rated: 10_000, families: ['gang'] });
  const p = f.programmer('P1', 'G4', 4);
  for (let s = 0; s < 4; s++) f.adapter(`A${s}`, 'bga153-a', { programmer: p, site: s });
  f.db.close();
  const image = path.join(dir, 'img.bin');
  fs.writeFileSync(image, Buffer.alloc(100_000_000, 0x5a));
  const db = path.join(dir, 'cli.db');

  it('--json prints one plan document computed from the image file', () => {
    const r = runCli(['--db', db, 'plan', '--chip', EMMC.part, '--image', image, '--qty', '400', '--by', '2099-12-31', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.image).toMatchObject({ size: 100_000_000, programmedBytes: 100_000_000 });
    expect(plan.image.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(plan.cycle).toMatchObject({ basis: 'datasheet', seconds: 13 });
    expect(plan).toMatchObject({ devicesPerCycle: 4, cycles: 101, expectedGood: 396 });
    expect(plan.hours).toBeCloseTo(1313 / 3600, 9);
    expect(plan.deadline.feasible).toBe(true);
  });

  it('prints a readable plan and rejects a bad quantity with a one-line message', () => {
    const ok = runCli(['--db', db, 'plan', '--chip', EMMC.part, '--image', image, '--qty', '400']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/healthy sites today: 4 of 4/);
    expect(ok.stdout).toMatch(/cycles: 101 × 4 devices/);
    const bad = runCli(['--db', db, 'plan', '--chip', EMMC.part, '--image', image, '--qty', '-3']);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});
