import { describe, expect, it } from 'vitest';
import { fittingTypes } from '../../src/planning/fit.js';
import { loadChip } from '../../src/planning/chip-row.js';
import { tmpDir } from '../helpers/tmp.js';
import { EMMC, fixture } from './fixtures.js';

const dir = tmpDir();

describe('adapter types that fit a chip', () => {
  it('match package, body size in either orientation and pitch, on a family that drives the kind', () => {
    const f = fixture(dir).family('gang', ['emmc']).family('spi', ['spi-nor']).chip(EMMC);
    f.adapterType({ id: 'ROT', package: 'BGA153', w: 13, l: 11.5, pitch: 0.5, rated: 5000, families: ['gang'] });
    f.adapterType({ id: 'BIG', package: 'BGA153', w: 14, l: 18, pitch: 0.5, rated: 5000, families: ['gang'] });
    f.adapterType({ id: 'PITCH', package: 'BGA153', w: 11.5, l: 13, pitch: 0.65, rated: 5000, families: ['gang'] });
    f.adapterType({ id: 'SPIONLY', package: 'BGA153', w: 11.5, l: 13, pitch: 0.5, rated: 5000, families: ['spi'] });
    f.adapterType({ id: 'BOTH', package: 'bga153', w: 11.5, l: 13, pitch: 0.5, sites: 4, rated: 5000, families: ['gang', 'spi'] });
    const fits = fittingTypes(f.db, loadChip(f.db, EMMC.part));
    expect(fits.map((t) => t.id)).toEqual(['BOTH', 'ROT']);
    expect(fits[0]).toMatchObject({ sites: 4, families: ['gang'] });
  });
});
