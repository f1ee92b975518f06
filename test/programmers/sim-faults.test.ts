import { describe, expect, it } from 'vitest';
import { createDriver } from '../../src/programmers/registry.js';
import { inspectableSim } from '../support/inspectable-sim.js';
import { emmcChip, nandChip, norChip } from './chips.js';
import { byCode, runSimBatch } from './sim-run.js';

const quiet = { defectMultiplier: 0, contact: { base: 0, atRatedLife: 0 }, linkLostRate: 0, wrongChipRate: 0, grownBadBlockRate: 0 };

describe('sim faults, each reported with its failure code', () => {
  it('a broken site fails every device with bad-contact at the first operation', async () => {
    const res = await runSimBatch({ chip: nandChip, devices: 40, sites: 4, options: { ...quiet, brokenSites: [2] } });
    for (const r of res) expect(r.site === 2 ? r.failure?.code : r.ok).toBe(r.site === 2 ? 'bad-contact' : true);
    expect(res.find((r) => r.site === 2)!.failure!.stage).toBe('id');
  });

  it('a socket far past its rated life makes bad contact', async () => {
    const res = await runSimBatch({ chip: norChip, devices: 16, sites: 2, options: { ...quiet, contact: { base: 0, atRatedLife: 0.5 }, siteWear: [0, 2] } });
    expect(res.filter((r) => r.site === 1).every((r) => r.failure?.code === 'bad-contact')).toBe(true);
    expect(res.filter((r) => r.site === 0).every((r) => r.ok)).toBe(true);
  });

  it('a device that is not the job chip fails with id-mismatch', async () => {
    const res = await runSimBatch({ chip: emmcChip, devices: 8, options: { ...quiet, wrongChipRate: 1 } });
    expect(byCode(res)).toEqual({ 'id-mismatch': 8 });
    expect(res[0].failure!.message).toMatch(/answers ID 150100/);
  });

  it('a link lost mid-write fails every site of that programmer with link-lost', async () => {
    const res = await runSimBatch({ chip: nandChip, devices: 16, options: { ...quiet, linkLostRate: 1 } });
    expect(byCode(res)).toEqual({ 'link-lost': 16 });
    expect(res.every((r) => r.failure!.stage === 'program')).toBe(true);
  });

  it('defective NAND devices show every defect mode, each at the stage that detects it', async () => {
    const res = await runSimBatch({ chip: nandChip, devices: 200, options: { ...quiet, defectMultiplier: 500 } });
    const stages = Object.fromEntries(res.filter((r) => r.failure).map((r) => [r.failure!.code, r.failure!.stage]));
    expect(stages).toEqual({
      'erase-failed': 'erase',
      'blank-check-failed': 'blank',
      'program-failed': 'program',
      'verify-failed': 'verify',
      'too-many-bad-blocks': 'erase',
    });
    expect(res.every((r) => !r.ok)).toBe(true);
  });

  it('defective eMMC devices show every defect mode, each at the stage that detects it, and their good neighbours pass', async () => {
    const res = await runSimBatch({ chip: emmcChip, devices: 200, options: { ...quiet, defectMultiplier: 20 } });
    const stages = Object.fromEntries(res.filter((r) => r.failure).map((r) => [r.failure!.code, r.failure!.stage]));
    expect(stages).toEqual({ 'erase-failed': 'erase', 'blank-check-failed': 'blank', 'program-failed': 'program', 'verify-failed': 'verify' });
    expect(res.find((r) => r.failure?.code === 'verify-failed')!.failure!.message).toMatch(/^block 0 of user reads back CRC-32 0x[0-9a-f]{8}, the image has 0x[0-9a-f]{8}$/);
    expect(res.some((r) => r.ok)).toBe(true);
  });

  it('an operation on a site with no device fails with no-device', async () => {
    const d = createDriver({ name: 's', driver: 'sim', model: 'sim-gang', serial: 'S', sites: 2, options: { ...quiet, speed: 'unlimited' } });
    await d.open(nandChip);
    await d.load([{ site: 0, device: 'X' }]);
    const out = await d.readId([0, 1]);
    expect(out.map((o) => o.failure?.code)).toEqual([undefined, 'no-device']);
  });

  it('grown bad blocks are counted and skipped without failing the device', async () => {
    const res = await runSimBatch({ chip: nandChip, devices: 8, options: { ...quiet, grownBadBlockRate: 0.01, factoryBadBlockMean: 0 } });
    expect(res.every((r) => r.ok)).toBe(true);
    expect(res.some((r) => r.badBlocks > 0)).toBe(true);
  });
});

describe('sim eMMC registers', () => {
  it('writes host-writable EXT_CSD bytes and refuses read-only ones', async () => {
    const d = inspectableSim({ name: 's', model: 'sim-gang', serial: 'S', sites: 2, options: { ...quiet, speed: 'unlimited' } });
    await d.open(emmcChip);
    await d.load([{ site: 0, device: 'A' }, { site: 1, device: 'B' }]);
    const ok = await d.writeExtCsd([0, 1], [{ index: 179, value: 0x48 }, { index: 177, value: 0x02 }]);
    expect(ok.map((o) => o.failure)).toEqual([undefined, undefined]);
    expect(d.inspectSite(0).extCsd![179]).toBe(0x48);
    const ro = await d.writeExtCsd([0], [{ index: 212, value: 1 }]);
    expect(ro[0].failure).toMatchObject({ code: 'program-failed', stage: 'ext-csd' });
    const cid = d.inspectSite(1).cid!;
    expect(cid.length).toBe(16);
    expect(cid[15] & 1).toBe(1);
  });
});
