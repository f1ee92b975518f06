// The worked examples' inputs, shared by the tests that check them by hand and the README's example.
import type { CompareInput, OfflineInput } from '../../src/planning/compare-types.js';
import { costSettings, type SiteSettings } from '../../src/planning/site-settings.js';

/** An offline route with plausible figures; a test states the ones it relies on. */
export const offline = (o: Partial<OfflineInput>): OfflineInput => ({
  cycleSec: 10, cycleBasis: 'datasheet', cycleDetail: 'test', handlingSec: 8, sites: 4, programmers: 1, wearPerInsertion: 0.04, wearDetail: 'test',
  buyType: { id: 'qfn48-a', sites: 1, price: 400, priceSource: 'test' }, ...o,
});

/** A comparison input with costs from a settings document named site.json. */
export const input = (i: Omit<CompareInput, 'costs'>, s: SiteSettings, over = {}): CompareInput => ({ ...i, costs: costSettings(s, 'site.json', over) });

/** The site settings of the MCU example: a cheap SWD fixture on the functional tester. */
export const CHEAP_SWD: SiteSettings = { inSystem: { interface: 'swd', fixturePrice: 150, fixtureRatedCycles: 50_000, handlingSecPerLoad: 0, beatSec: 30, testSec: 20, linePerHour: 600 } };

/** A 256 KB MCU image at 5,000 parts: 4 QFN sites at 14 s a cycle offline, or SWD on the tester (worked example 2). */
export const MCU_EXAMPLE: CompareInput = input({
  chip: { part: 'STM32F401CCU6', kind: 'mcu' }, qty: 5_000, programmedBytes: 262_144, attempts: 5_005,
  offline: offline({ cycleSec: 14, cycleDetail: '256 pages × 52.5 µs + 256 sectors × 20000 µs + 8 s handling', sites: 4, programmers: 1, wearPerInsertion: 0.04, wearDetail: 'qfn48-a: 400 / 10000 insertions' }),
}, CHEAP_SWD);
