import { createDriver } from '../../src/programmers/registry.js';
import type { Chip } from '../../src/catalog/chip.js';
import { driverContract } from '../contract/driver-contract.js';
import { emmcChip, nandChip, norChip, spiNandChip } from './chips.js';

/** A fault-free sim programmer at unlimited speed; the corrupted site writes block 0 wrong. */
function simFactory(chip: Chip) {
  return async ({ corruptSite }: { corruptSite?: number }) => ({
    chip,
    driver: createDriver({
      name: 'sim-contract',
      driver: 'sim',
      model: 'sim-gang',
      serial: 'SIM-C',
      sites: 4,
      options: {
        seed: 3, speed: 'unlimited', defectMultiplier: 0, contact: { base: 0, atRatedLife: 0 }, linkLostRate: 0, wrongChipRate: 0,
        flipBlock: corruptSite === undefined ? [] : [{ site: corruptSite, block: 0 }],
      },
    }),
    corrupt: async () => undefined, // the flip was configured at creation: the site writes block 0 wrong
  });
}

driverContract('sim (parallel NAND)', simFactory(nandChip));
driverContract('sim (SPI NAND)', simFactory(spiNandChip));
driverContract('sim (eMMC)', simFactory(emmcChip));
driverContract('sim (SPI NOR)', simFactory(norChip));
