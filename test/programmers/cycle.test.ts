import { describe, expect, it } from 'vitest';
import type { ProgrammerDriver } from '../../src/programmers/driver.js';
import { runCycle, type CycleProgress } from '../../src/programmers/cycle.js';
import { createDriver } from '../../src/programmers/registry.js';
import { generateImage } from '../contract/image-stream.js';
import { emmcChip, nandChip } from './chips.js';

const quiet = { speed: 'unlimited', defectMultiplier: 0, contact: { base: 0, atRatedLife: 0 }, linkLostRate: 0, wrongChipRate: 0, grownBadBlockRate: 0 };

/** Wraps a real driver and records which sites each operation was given. */
function recording(d: ProgrammerDriver): { driver: ProgrammerDriver; calls: [string, number[]][] } {
  const calls: [string, number[]][] = [];
  const driver = new Proxy(d, {
    get(target, prop, recv) {
      const v = Reflect.get(target, prop, recv);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        const first = args[0];
        if (Array.isArray(first)) calls.push([String(prop), first.map((x) => (typeof x === 'number' ? x : (x as { site: number }).site))]);
        return v.apply(target, args);
      };
    },
  });
  return { driver, calls };
}

const image = generateImage([{ data: 300_000 }, { fill: 0xff, length: 100_000 }]);

describe('runCycle', () => {
  it('drops a failed site from every later operation', async () => {
    const sim = createDriver({ name: 's', driver: 'sim', model: 'sim-gang', serial: 'S', sites: 4, options: { ...quiet, brokenSites: [1], flipBlock: [{ site: 2, block: 1 }] } });
    await sim.open(nandChip);
    const { driver, calls } = recording(sim);
    const res = await runCycle(
      driver,
      { insertions: [0, 1, 2, 3].map((site) => ({ site, device: `D${site}` })), ops: ['verify', 'program', 'id', 'erase'], expectedId: nandChip.idBytes, target: {}, serials: [0, 1, 2, 3].map((site) => ({ site, offset: 4_000_000, bytes: Uint8Array.of(site) })) },
      () => image.extents(),
    );
    expect(res.map((r) => r.failure?.code ?? 'ok')).toEqual(['ok', 'bad-contact', 'verify-failed', 'ok']);
    expect(calls).toEqual([
      ['load', [0, 1, 2, 3]],
      ['readId', [0, 1, 2, 3]],
      ['erase', [0, 2, 3]],
      ['program', [0, 2, 3]],
      ['verify', [0, 2, 3]],
      ['writeSerial', [0, 3]],
    ]);
    expect(res[2].failure!.message).toMatch(/block 1 /);
    for (const r of res) expect(r.endedAt).toBeGreaterThanOrEqual(r.startedAt);
  });

  it('programs and verifies the eMMC boot partitions after the user area, then writes EXT_CSD', async () => {
    const sim = createDriver({ name: 'e', driver: 'sim', model: 'sim-gang', serial: 'E', sites: 2, options: { ...quiet, flipBlock: [{ site: 1, block: 0, partition: 'boot2' }] } });
    await sim.open(emmcChip);
    const boot = generateImage([{ data: 200_000 }], 9);
    const seen: CycleProgress[] = [];
    const res = await runCycle(
      sim,
      {
        insertions: [{ site: 0, device: 'A' }, { site: 1, device: 'B' }],
        ops: ['id', 'erase', 'program', 'verify'],
        expectedId: emmcChip.idBytes,
        target: {},
        bootImages: [
          { partition: 'boot1', openExtents: () => boot.extents(), bytes: boot.size },
          { partition: 'boot2', openExtents: () => boot.extents(), bytes: boot.size },
        ],
        extCsd: [{ index: 179, value: 0x08 }],
        imageBytes: image.size,
      },
      () => image.extents(),
      (p) => seen.push(p),
    );
    expect(res.map((r) => r.failure?.code ?? 'ok')).toEqual(['ok', 'verify-failed']);
    expect(res[1].failure!.message).toMatch(/of boot2/);
    const order = [...new Set(seen.filter((p) => p.partition).map((p) => `${p.stage}:${p.partition}`))];
    expect(order).toEqual(['program:user', 'verify:user', 'program:boot1', 'verify:boot1', 'program:boot2', 'verify:boot2']);
    const last = seen.filter((p) => p.stage === 'program' && p.partition === 'boot1').at(-1)!;
    expect(last.bytesDone).toBe(boot.size);
  });

  it('fails the sites still alive with link-lost when the driver throws, and still unloads', async () => {
    const sim = createDriver({ name: 's', driver: 'sim', model: 'sim-gang', serial: 'S', sites: 2, options: quiet });
    await sim.open(nandChip);
    const broken = new Proxy(sim, {
      get(t, p, r) {
        if (p === 'erase') return async () => { throw new Error('USB transfer stalled'); };
        return Reflect.get(t, p, r);
      },
    });
    const res = await runCycle(broken, { insertions: [{ site: 0, device: 'A' }, { site: 1, device: 'B' }], ops: ['id', 'erase'], expectedId: '', target: {} }, () => image.extents());
    expect(res.map((r) => [r.failure?.code, r.failure?.stage])).toEqual([['link-lost', 'erase'], ['link-lost', 'erase']]);
    expect(res[0].failure!.message).toMatch(/USB transfer stalled/);
    // the cycle still empties the sites
    expect((await sim.readId([0, 1])).map((o) => o.failure?.code)).toEqual(['no-device', 'no-device']);
  });

  it('refuses a read-only EXT_CSD byte at the ext-csd stage', async () => {
    const sim = createDriver({ name: 'e', driver: 'sim', model: 'sim-gang', serial: 'E', sites: 1, options: quiet });
    await sim.open(emmcChip);
    const res = await runCycle(sim, { insertions: [{ site: 0, device: 'A' }], ops: ['id'], expectedId: emmcChip.idBytes, target: {}, extCsd: [{ index: 192, value: 5 }] }, () => image.extents());
    expect(res[0].failure).toMatchObject({ code: 'program-failed', stage: 'ext-csd' });
  });
});
