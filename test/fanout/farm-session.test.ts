import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FarmSession, type FarmEvent, type WireCyclePlan } from '../../src/fanout/pool/farm-session.js';
import type { ProgrammerSpec } from '../../src/programmers/spec.js';
import { FarmError } from '../../src/errors.js';
import { emmcChip } from '../programmers/chips.js';
import { tmpDir } from '../helpers/tmp.js';
import { makeImage } from './ring-fixtures.js';
import type { CrashPlan } from '../support/crashing-session.js';

const dir = tmpDir('gangflash-farm-');
const img = makeImage(77, 3 * 1024 * 1024 + 12345, 400_000);
const imagePath = path.join(dir, 'user.img');
fs.writeFileSync(imagePath, img.expanded);

const quiet = { speed: 'unlimited', linkLostRate: 0, wrongChipRate: 0, defectMultiplier: 0, contact: { base: 0, atRatedLife: 0 } };
const spec = (name: string, options: Record<string, unknown> = quiet): ProgrammerSpec => ({ name, driver: 'sim', model: 'sim-gang', serial: name.toUpperCase(), sites: 4, options });
const plan = (prog: string, wave: number): WireCyclePlan => ({
  insertions: [0, 1, 2, 3].map((site) => ({ site, device: `LOT/${prog}/${wave}/${site}` })),
  ops: ['id', 'erase', 'program', 'verify'],
  expectedId: emmcChip.idBytes,
  target: {},
  imageBytes: img.expanded.length,
});
const wave = (names: string[], n: number) => new Map(names.map((p) => [p, plan(p, n)]));

describe('FarmSession on the sim driver', () => {
  const sessions: FarmSession[] = [];
  afterAll(async () => {
    for (const s of sessions) await s.close();
  });

  it('streams one read of the image to three programmers and every device verifies', async () => {
    const s = await FarmSession.start({ programmers: [spec('a'), spec('b'), spec('c')], chip: emmcChip, ring: { slots: 4, chunkSize: 65536 } });
    sessions.push(s);
    const events: FarmEvent[] = [];
    const out = await s.runWave({ path: imagePath }, wave(['a', 'b', 'c'], 1), (e) => events.push(e));
    for (const name of ['a', 'b', 'c']) {
      const r = out.get(name)!;
      expect('results' in r && r.results.map((x) => [x.site, x.ok])).toEqual([[0, true], [1, true], [2, true], [3, true]]);
      expect('figures' in r && r.figures.imageBytes).toBe(img.expanded.length);
    }
    expect(s.lastWave!.imageBytesRead).toBe(img.expanded.length);
    expect(events.filter((e) => e.type === 'cycle-done').map((e) => e.programmer).sort()).toEqual(['a', 'b', 'c']);
    expect(events.some((e) => e.type === 'progress' && e.stage === 'program' && e.bytesDone === img.expanded.length)).toBe(true);
  });

  it('a programmer without a cycle in the wave is not waited for, and waves follow each other on the same threads', async () => {
    const s = sessions[0];
    const out = await s.runWave({ path: imagePath }, wave(['b'], 2));
    expect([...out.keys()]).toEqual(['b']);
    const again = await s.runWave({ path: imagePath }, wave(['a', 'c'], 3));
    expect([...again.values()].every((r) => 'results' in r && r.results.every((x) => x.ok))).toBe(true);
  });

  it('a worker that dies mid-image loses only its own programmer; a restart brings it back', async () => {
    const s = await FarmSession.start({
      programmers: [spec('p1'), spec('p2'), spec('p3')],
      chip: emmcChip,
      ring: { slots: 4, chunkSize: 65536 },
      progressMs: 0,
      worker: { url: new URL('../support/crashing-session.ts', import.meta.url), data: { programmer: 'p2', wave: 1, afterBytes: 1_000_000 } satisfies CrashPlan },
    });
    sessions.push(s);
    const events: FarmEvent[] = [];
    const out = await s.runWave({ path: imagePath }, wave(['p1', 'p2', 'p3'], 1), (e) => events.push(e));
    const p2 = out.get('p2')!;
    expect('lost' in p2 && p2.lost).toMatchObject({ code: 'link-lost', message: expect.stringMatching(/crashed after/) });
    for (const name of ['p1', 'p3']) {
      const r = out.get(name)!;
      expect('results' in r && r.results.every((x) => x.ok)).toBe(true);
    }
    expect(events.filter((e) => e.type === 'lost').map((e) => e.programmer)).toEqual(['p2']);
    expect(s.status().get('p2')?.message).toMatch(/crashed/);
    // lost stays lost until the scheduler restarts it
    const still = await s.runWave({ path: imagePath }, wave(['p2', 'p1'], 2));
    expect('lost' in still.get('p2')!).toBe(true);
    expect('results' in still.get('p1')!).toBe(true);
    await s.restart('p2');
    expect(s.status().get('p2')).toBeUndefined();
    const back = await s.runWave({ path: imagePath }, wave(['p1', 'p2', 'p3'], 3));
    for (const r of back.values()) expect('results' in r && r.results.every((x) => x.ok)).toBe(true);
  });

  it('a programmer whose spec its driver refuses is reported lost with our error class naming the field, the others run', async () => {
    const s = await FarmSession.start({ programmers: [spec('ok'), spec('bad', { speed: -1 })], chip: emmcChip });
    sessions.push(s);
    const down = s.status().get('bad');
    expect(down?.message).toMatch(/options\.speed/);
    expect(down?.code).toBe('link-lost');
    expect(down?.cause).toBeInstanceOf(FarmError);
    expect(down?.cause).toMatchObject({ code: 'bad-programmer-spec' });
    const out = await s.runWave({ path: imagePath }, wave(['ok', 'bad'], 1));
    expect('lost' in out.get('bad')!).toBe(true);
    expect('results' in out.get('ok')! && (out.get('ok') as { results: { ok: boolean }[] }).results.every((x) => x.ok)).toBe(true);
  });
});
