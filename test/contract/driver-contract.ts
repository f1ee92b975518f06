import { afterEach, describe, expect, it } from 'vitest';
import type { Chip } from '../../src/catalog/chip.js';
import type { ProgrammerDriver, SiteOutcome } from '../../src/programmers/driver.js';
import { runCycle } from '../../src/programmers/cycle.js';
import { generateImage } from './image-stream.js';

/** What a driver under test comes with. */
export interface ContractSetup {
  driver: ProgrammerDriver;
  /** The chip the programmer is opened for. */
  chip: Chip;
  /** Corrupts, on the factory's `corruptSite`, one byte of what was programmed (called between program and verify). */
  corrupt(): Promise<void>;
  /** Releases temp files, emulators… @default nothing */
  dispose?(): Promise<void>;
}

/** Builds a fresh, fault-free programmer with at least 2 sites; `corruptSite`, when given, is the site corrupt() damages. */
export type ContractFactory = (opts: { corruptSite?: number }) => Promise<ContractSetup>;

/** Failure codes per site, for compact assertions. */
function codes(outcomes: SiteOutcome[]): Record<number, string> {
  return Object.fromEntries(outcomes.map((o) => [o.site, o.failure?.code ?? 'ok']));
}

/** Asserts a progress series is non-decreasing and ends at `total`. */
function expectProgress(series: number[], total: number): void {
  expect(series.length).toBeGreaterThan(0);
  for (let i = 1; i < series.length; i++) expect(series[i]).toBeGreaterThanOrEqual(series[i - 1]);
  expect(series[series.length - 1]).toBe(total);
}

/** A small image with data and fill extents, fitting any test chip: 3 data runs, a 0xFF run and a 0x00 run. */
function contractImage() {
  return generateImage([{ data: 100_000 }, { fill: 0xff, length: 200_000 }, { data: 70_000 }, { fill: 0x00, length: 60_000 }, { data: 33_333 }]);
}

/**
 * The suite every driver passes: open/close, site states, ID, erase + blank check, program + verify of a stream
 * with data and fill extents, a corrupted site failing verify alone, serial writes, progress, and a whole cycle.
 */
export function driverContract(name: string, factory: ContractFactory): void {
  describe(`driver contract: ${name}`, () => {
    let setup: ContractSetup | undefined;
    const make = async (corruptSite?: number) => {
      setup = await factory({ corruptSite });
      await setup.driver.open(setup.chip);
      return setup;
    };
    afterEach(async () => {
      await setup?.driver.close();
      await setup?.dispose?.();
      setup = undefined;
    });

    it('opens and closes twice, and close is safe to repeat', async () => {
      const { driver, chip } = await make();
      await driver.close();
      await driver.close();
      await driver.open(chip);
      expect(driver.info.sites).toBeGreaterThanOrEqual(2);
    });

    it('reports site states through load, an operation and unload', async () => {
      const { driver } = await make();
      expect(new Set(await driver.siteStates())).toEqual(new Set(['empty']));
      await driver.load([{ site: 0, device: 'D0' }]);
      const states = await driver.siteStates();
      expect(states[0]).toBe('present');
      expect(states[1]).toBe('empty');
      let during: string[] = [];
      const img = contractImage();
      async function* watched() {
        for await (const e of img.extents()) {
          if (during.length === 0) during = await driver.siteStates();
          yield e;
        }
      }
      await driver.program([0], watched(), {});
      expect(during[0]).toBe('busy');
      expect((await driver.siteStates())[0]).toBe('present');
      await driver.unload();
      expect(new Set(await driver.siteStates())).toEqual(new Set(['empty']));
    });

    it('reads an ID that starts with the chip catalog ID bytes on every site', async () => {
      const { driver, chip } = await make();
      const sites = [0, 1];
      await driver.load(sites.map((site) => ({ site, device: `ID-${site}` })));
      const ids = await driver.readId(sites);
      for (const o of ids) {
        expect(o.failure).toBeUndefined();
        expect(Buffer.from(o.id!).toString('hex').startsWith(chip.idBytes.toLowerCase())).toBe(true);
      }
    });

    it('fails an operation on a site with no device with no-device', async () => {
      const { driver } = await make();
      await driver.load([{ site: 0, device: 'ONLY-0' }]);
      const out = await driver.erase([0, 1]);
      expect(codes(out)).toEqual({ 0: 'ok', 1: 'no-device' });
    });

    it('erases and then passes the blank check, with progress reaching the chip capacity', async () => {
      const { driver, chip } = await make();
      await driver.load([{ site: 0, device: 'E0' }, { site: 1, device: 'E1' }]);
      const ep: number[] = [];
      expect(codes(await driver.erase([0, 1], (b) => ep.push(b)))).toEqual({ 0: 'ok', 1: 'ok' });
      expectProgress(ep, chip.capacityBytes);
      const bp: number[] = [];
      expect(codes(await driver.blankCheck([0, 1], (b) => bp.push(b)))).toEqual({ 0: 'ok', 1: 'ok' });
      expectProgress(bp, chip.capacityBytes);
    });

    it('programs a stream of data and fill extents to every site and verify passes, progress reaching the image size', async () => {
      const { driver } = await make();
      const img = contractImage();
      await driver.load([{ site: 0, device: 'P0' }, { site: 1, device: 'P1' }]);
      await driver.erase([0, 1]);
      const pp: number[] = [];
      expect(codes(await driver.program([0, 1], img.extents(), { skipBlank: true }, (b) => pp.push(b)))).toEqual({ 0: 'ok', 1: 'ok' });
      expectProgress(pp, img.size);
      const vp: number[] = [];
      expect(codes(await driver.verify([0, 1], (b) => vp.push(b)))).toEqual({ 0: 'ok', 1: 'ok' });
      expectProgress(vp, img.size);
    });

    it('fails verify on the corrupted site only', async () => {
      const s = await make(1);
      const img = contractImage();
      await s.driver.load([{ site: 0, device: 'C0' }, { site: 1, device: 'C1' }]);
      await s.driver.erase([0, 1]);
      await s.driver.program([0, 1], img.extents(), {});
      await s.corrupt();
      const out = await s.driver.verify([0, 1]);
      expect(codes(out)).toEqual({ 0: 'ok', 1: 'verify-failed' });
      expect(out[1].failure!.stage).toBe('verify');
      expect(out[1].failure!.message).toMatch(/block \d+/);
    });

    it('writes serial data per site and refuses one outside the device on that site only', async () => {
      const { driver, chip } = await make();
      await driver.load([{ site: 0, device: 'S0' }, { site: 1, device: 'S1' }]);
      await driver.erase([0, 1]);
      await driver.program([0, 1], contractImage().extents(), {});
      const out = await driver.writeSerial([
        { site: 0, offset: 500_000, bytes: new TextEncoder().encode('SN-000001') },
        { site: 1, offset: chip.capacityBytes * 4, bytes: new TextEncoder().encode('SN-000002') },
      ]);
      expect(codes(out)).toEqual({ 0: 'ok', 1: 'program-failed' });
      expect(out[1].failure!.stage).toBe('serial');
    });

    it('runs a whole cycle with every operation and passes every site', async () => {
      const { driver, chip } = await make();
      const img = contractImage();
      const stages = new Set<string>();
      const results = await runCycle(
        driver,
        {
          insertions: [{ site: 0, device: 'R0' }, { site: 1, device: 'R1' }],
          ops: ['id', 'erase', 'blank', 'program', 'verify'],
          expectedId: chip.idBytes,
          target: { skipBlank: true },
          serials: [{ site: 0, offset: 600_000, bytes: Uint8Array.of(1, 2, 3) }],
          imageBytes: img.size,
          deviceBytes: chip.capacityBytes,
        },
        () => img.extents(),
        (p) => stages.add(p.stage),
      );
      expect(results.map((r) => [r.device, r.ok, r.failure?.code])).toEqual([['R0', true, undefined], ['R1', true, undefined]]);
      expect([...stages]).toEqual(['id', 'erase', 'blank', 'program', 'verify'].filter((s) => s !== 'id'));
      expect(new Set(await driver.siteStates())).toEqual(new Set(['empty']));
    });
  });
}
