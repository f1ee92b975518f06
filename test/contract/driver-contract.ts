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

/** Builds a fresh, fault-free programmer; `corruptSite`, when given, is the site corrupt() damages. */
export type ContractFactory = (opts: { corruptSite?: number }) => Promise<ContractSetup>;

/** How the suite uses the programmer. */
export interface ContractOptions {
  /**
   * Sites the suite exercises: 2 (a device on one site and an empty or corrupted one beside it) or 1 for a
   * one-socket programmer (CH341A, NANDO board), where each behaviour is checked on site 0 alone and the
   * "beside it" halves have no second site to look at. The programmer must have at least this many sites.
   * @default 2
   */
  sites?: 1 | 2;
}

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
export function driverContract(name: string, factory: ContractFactory, opts: ContractOptions = {}): void {
  const n = opts.sites ?? 2;
  /** The sites under test, and the last of them (site 1 with two sites, site 0 with one). */
  const all = Array.from({ length: n }, (_, s) => s);
  const last = n - 1;
  /** Expected codes: `code` on the last site, `ok` on the others. */
  const lastIs = (code: string) => Object.fromEntries(all.map((s) => [s, s === last ? code : 'ok']));
  const everyOk = () => Object.fromEntries(all.map((s) => [s, 'ok']));
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
      expect(driver.info.sites).toBeGreaterThanOrEqual(n);
    });

    it('a site holds its device from load through an operation until unload', async () => {
      const { driver } = await make();
      await driver.load([{ site: 0, device: 'D0' }]);
      const img = contractImage();
      expect((await driver.program([0], img.extents(), {}))[0].failure).toBeUndefined();
      expect((await driver.verify([0]))[0].failure).toBeUndefined();
      await driver.unload();
      expect((await driver.readId([0]))[0].failure?.code).toBe('no-device');
    });

    it('reads an ID that starts with the chip catalog ID bytes on every site', async () => {
      const { driver, chip } = await make();
      await driver.load(all.map((site) => ({ site, device: `ID-${site}` })));
      const ids = await driver.readId(all);
      for (const o of ids) {
        expect(o.failure).toBeUndefined();
        expect(Buffer.from(o.id!).toString('hex').startsWith(chip.idBytes.toLowerCase())).toBe(true);
      }
    });

    it('fails an operation on a site with no device with no-device', async () => {
      const { driver } = await make();
      // Every site but the last holds a device (with one site: none does).
      await driver.load(all.slice(0, last).map((site) => ({ site, device: `ONLY-${site}` })));
      const out = await driver.erase(all);
      expect(codes(out)).toEqual(lastIs('no-device'));
    });

    it('erases and then passes the blank check, with progress reaching the chip capacity', async () => {
      const { driver, chip } = await make();
      await driver.load(all.map((site) => ({ site, device: `E${site}` })));
      const ep: number[] = [];
      expect(codes(await driver.erase(all, (b) => ep.push(b)))).toEqual(everyOk());
      expectProgress(ep, chip.capacityBytes);
      const bp: number[] = [];
      expect(codes(await driver.blankCheck(all, (b) => bp.push(b)))).toEqual(everyOk());
      expectProgress(bp, chip.capacityBytes);
    });

    it('programs a stream of data and fill extents to every site and verify passes, progress reaching the image size', async () => {
      const { driver } = await make();
      const img = contractImage();
      await driver.load(all.map((site) => ({ site, device: `P${site}` })));
      await driver.erase(all);
      const pp: number[] = [];
      expect(codes(await driver.program(all, img.extents(), { skipBlank: true }, (b) => pp.push(b)))).toEqual(everyOk());
      expectProgress(pp, img.size);
      const vp: number[] = [];
      expect(codes(await driver.verify(all, (b) => vp.push(b)))).toEqual(everyOk());
      expectProgress(vp, img.size);
    });

    it('fails verify on the corrupted site only', async () => {
      // With two sites the untouched neighbour must still pass; with one, the corrupted site is all there is.
      const s = await make(last);
      const img = contractImage();
      await s.driver.load(all.map((site) => ({ site, device: `C${site}` })));
      await s.driver.erase(all);
      await s.driver.program(all, img.extents(), {});
      await s.corrupt();
      const out = await s.driver.verify(all);
      expect(codes(out)).toEqual(lastIs('verify-failed'));
      expect(out[last].failure!.stage).toBe('verify');
      expect(out[last].failure!.message).toMatch(/block \d+/);
    });

    it('writes serial data per site and refuses one outside the device on that site only', async () => {
      const { driver, chip } = await make();
      await driver.load(all.map((site) => ({ site, device: `S${site}` })));
      await driver.erase(all);
      await driver.program(all, contractImage().extents(), {});
      // With one site both writes go to site 0, one after the other: the bad one is refused, the good one kept.
      const out = await driver.writeSerial([
        { site: 0, offset: 500_000, bytes: new TextEncoder().encode('SN-000001') },
        { site: last, offset: chip.capacityBytes * 4, bytes: new TextEncoder().encode('SN-000002') },
      ]);
      expect(out.map((o) => [o.site, o.failure?.code ?? 'ok'])).toEqual([[0, 'ok'], [last, 'program-failed']]);
      expect(out[1].failure!.stage).toBe('serial');
    });

    it('runs a whole cycle with every operation and passes every site', async () => {
      const { driver, chip } = await make();
      const img = contractImage();
      const stages = new Set<string>();
      const results = await runCycle(
        driver,
        {
          insertions: all.map((site) => ({ site, device: `R${site}` })),
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
      expect(results.map((r) => [r.device, r.ok, r.failure?.code])).toEqual(all.map((s) => [`R${s}`, true, undefined]));
      expect([...stages]).toEqual(['id', 'erase', 'blank', 'program', 'verify'].filter((s) => s !== 'id'));
      // the cycle ends with the sites emptied
      expect(codes(await driver.readId(all))).toEqual(Object.fromEntries(all.map((s) => [s, 'no-device'])));
    });
  });
}
