import { describe, expect, it } from 'vitest';
import { fittingTypes } from '../../src/planning/fit.js';
import { getChip } from '../../src/catalog/chips.js';
import { tmpDir } from '../helpers/tmp.js';
import { EMMC, fixture } from './fixtures.js';

const dir = tmpDir();

describe('adapter types that fit a chip', () => {
  it('match package, body size and pitch, and keep only the families that drive the kind', () => {
    const f = fixture(dir).family('gang', ['emmc']).family('spi', ['spi-nor']).chip(EMMC);
    f.adapterType({ id: 'big', package: 'BGA153', w: 14, l: 18, pitch: 0.5, rated: 5000, families: ['gang'] });
    f.adapterType({ id: 'pitch', package: 'BGA153', w: 11.5, l: 13, pitch: 0.65, rated: 5000, families: ['gang'] });
    f.adapterType({ id: 'spionly', package: 'BGA153', w: 11.5, l: 13, pitch: 0.5, rated: 5000, families: ['spi'] });
    f.adapterType({ id: 'both', package: 'BGA153', w: 11.5, l: 13, pitch: 0.5, sites: 4, rated: 5000, families: ['gang', 'spi'] });
    const fits = fittingTypes(f.db, getChip(f.db, EMMC.part));
    expect(fits.map((t) => t.id)).toEqual(['both']);
    expect(fits[0]).toMatchObject({ sites: 4, ratedInsertions: 5000, families: ['gang'] });
  });
});
