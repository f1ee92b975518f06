import { describe, expect, it } from 'vitest';
import { checkSpec, createDriver } from '../../src/programmers/registry.js';
import { smallNand, smallNor } from './chips.js';

async function* stream(bytes: Uint8Array) {
  yield { offset: 0, length: bytes.length, bytes };
}

describe('USB drivers from a programmer spec', () => {
  it('builds an emulated CH341A board from farm.json-style options and runs a cycle on it', async () => {
    const d = createDriver({ name: 'ch-1', driver: 'ch341a', model: 'CH341A', serial: 'CH-1', sites: 1, options: { emulated: { seed: 3 } } });
    await d.open(smallNor);
    await d.load([{ site: 0, device: 'L1/R1/1' }]);
    const img = Uint8Array.from({ length: 5000 }, (_, i) => i & 0xff);
    expect((await d.readId([0]))[0].failure).toBeUndefined();
    expect((await d.erase([0]))[0].failure).toBeUndefined();
    expect((await d.program([0], stream(img), {}))[0].failure).toBeUndefined();
    expect((await d.verify([0]))[0].failure).toBeUndefined();
    await d.close();
  });

  it('builds an emulated NANDO board whose devices carry the configured factory bad blocks', async () => {
    const d = createDriver({ name: 'nd-1', driver: 'nando', model: 'NANDO', serial: 'ND-1', sites: 1, options: { emulated: { badBlocks: [4] } } });
    await d.open(smallNand);
    await d.load([{ site: 0, device: 'L1/R1/1' }]);
    expect((await d.erase([0]))[0].badBlocks).toEqual([4]);
    await d.close();
  });

  it('rejects unknown or malformed driver options with the field named', () => {
    const r = checkSpec({ name: 'x', driver: 'ch341a', model: 'CH341A', serial: 'X', sites: 1, options: { speed: 9, emulated: { idBytes: 'xyz' } } });
    expect(r.issues.map((i) => i.path.join('.'))).toEqual(expect.arrayContaining(['options.speed', 'options.emulated.idBytes']));
  });

  it('fails open with a DriverError naming the udev rule when no real board is attached', async () => {
    const d = createDriver({ name: 'hw', driver: 'ch341a', model: 'CH341A', serial: 'HW', sites: 1, options: {} });
    await expect(d.open(smallNor)).rejects.toMatchObject({ code: expect.stringMatching(/^usb-(unavailable|device-not-found)$/) });
  });
});
