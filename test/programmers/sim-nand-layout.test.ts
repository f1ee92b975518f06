import { describe, expect, it } from 'vitest';
import { planNand } from '../../src/layout/index.js';
import type { NandScheme } from '../../src/layout/target.js';
import { inspectableSim } from '../support/inspectable-sim.js';
import { generateImage } from '../contract/image-stream.js';
import { nandChip } from './chips.js';

const BLOCK = 2048 * 64;
const quiet = { speed: 'unlimited', defectMultiplier: 0, contact: { base: 0, atRatedLife: 0 }, linkLostRate: 0, wrongChipRate: 0 };

/** Programs `devices` devices (8 at a time) and compares each site's block map with the layout planner's. */
async function compareWithPlanner(scheme: NandScheme, blocks: number, devices: number) {
  const d = inspectableSim({ name: 'n', model: 'sim-gang', serial: 'N', sites: 8, options: { ...quiet, seed: 5, factoryBadBlockMean: 8, grownBadBlockRate: 0.003 } });
  await d.open(nandChip);
  const img = generateImage([{ data: blocks * BLOCK - 5000 }, { fill: 0xff, length: 5000 }]);
  let compared = 0;
  let programmed = 0;
  let tooMany = 0;
  let withBad = 0;
  for (let k = 0; k < devices; k += 8) {
    const sites = [0, 1, 2, 3, 4, 5, 6, 7];
    await d.load(sites.map((s) => ({ site: s, device: `L/${k + s}` })));
    const erased = await d.erase(sites);
    const alive = erased.filter((o) => !o.failure).map((o) => o.site);
    const out = await d.program(alive, img.extents(), { nandScheme: scheme });
    programmed += out.length;
    for (const o of out) {
      const view = d.inspectSite(o.site);
      const plan = planNand(nandChip, img.size, scheme, view.badBlocks, { withSpare: false });
      if (view.badBlocks.length > 0) withBad++;
      if (plan.ok) {
        expect(o.failure).toBeUndefined();
        expect(Array.from(view.map!.subarray(0, plan.map.length))).toEqual(Array.from(plan.map));
        compared++;
      } else {
        expect(o.failure?.code).toBe('too-many-bad-blocks');
        tooMany++;
      }
    }
    expect((await d.verify(out.filter((o) => !o.failure).map((o) => o.site))).every((o) => !o.failure)).toBe(true);
    await d.unload();
  }
  await d.close();
  return { compared, tooMany, withBad, programmed };
}

describe('sim NAND bad-block placement', () => {
  it('skip scheme: every device holds the image where the layout planner maps it for its bad blocks', async () => {
    const r = await compareWithPlanner({ kind: 'skip' }, 200, 48);
    expect(r.compared + r.tooMany).toBe(r.programmed);
    expect(r.compared).toBeGreaterThan(40);
    expect(r.withBad).toBeGreaterThan(40);
  });

  it('partitioned scheme: the same maps, and a partition out of reserve fails the device with too-many-bad-blocks', async () => {
    const scheme: NandScheme = {
      kind: 'partitions',
      partitions: [
        { name: 'boot', startBlock: 0, blocks: 30, imageOffset: 0, imageLength: 30 * BLOCK },
        { name: 'rootfs', startBlock: 30, blocks: 200, imageOffset: 30 * BLOCK, imageLength: 170 * BLOCK },
      ],
    };
    const r = await compareWithPlanner(scheme, 200, 64);
    expect(r.compared + r.tooMany).toBe(r.programmed);
    expect(r.compared).toBeGreaterThan(0);
    expect(r.tooMany).toBeGreaterThan(0);
  });
});
