import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareRoutes } from '../../src/planning/compare.js';
import { costSettings, parseSiteSettings } from '../../src/planning/site-settings.js';
import { SettingsError } from '../../src/errors.js';
import { MCU_EXAMPLE } from '../planning/compare-examples.js';
import { TEST_TIMEOUT, applyJsonEdits, applyTextEdits, fuzz, jsonEdits, parsesOrOwnError, textEdits } from './fuzz-kit.js';

const GOOD = {
  currency: 'EUR', labourPerHour: 30, imageChanges: 'rare',
  offline: { stationPerHour: 10, adapterPrice: 300 },
  inSystem: { interface: 'swd', channels: 2, fixtures: 1, fixturesOwned: 0, fixturePrice: 150, fixtureRatedCycles: 50_000, handlingSecPerLoad: 0, beatSec: 30, testSec: 20, linePerHour: 600 },
};
const TEXT = JSON.stringify(GOOD, null, 2);

describe('fuzz: site settings', () => {
  it('every mutated settings document parses or fails with a SettingsError naming a line in the file; a parsed one prices a comparison with finite costs', async () => {
    await fuzz(
      fc.property(jsonEdits, (edits) => {
        const text = JSON.stringify(applyJsonEdits(GOOD, edits), null, 2);
        const r = parsesOrOwnError(() => parseSiteSettings(text, 'site.json'), text);
        if (r instanceof Error) {
          expect(r).toBeInstanceOf(SettingsError);
          expect(r.file).toBe('site.json');
          if (r.line !== undefined) expect(r.line).toBeLessThanOrEqual(text.split('\n').length);
          return;
        }
        const c = compareRoutes({ ...MCU_EXAMPLE, costs: costSettings(r, 'site.json') });
        for (const route of [c.offline, c.inSystem]) {
          expect(Number.isFinite(route.totalCost)).toBe(true);
          expect(route.costPerDevice.total).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  }, TEST_TIMEOUT);

  it('byte-mutated settings text parses or fails with a SettingsError', async () => {
    await fuzz(
      fc.property(textEdits, (edits) => {
        const text = applyTextEdits(TEXT, edits);
        const r = parsesOrOwnError(() => parseSiteSettings(text, 'site.json'), text);
        if (r instanceof Error) expect(r).toBeInstanceOf(SettingsError);
      }),
    );
  }, TEST_TIMEOUT);
});
