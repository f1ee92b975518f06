import { describe, expect, it } from 'vitest';
import type { Chip } from '../../src/catalog/chip.js';
import { emmcChip } from './chips.js';
import { byCode, runSimBatch } from './sim-run.js';

const quiet = { defectMultiplier: 0, contact: { base: 0, atRatedLife: 0 }, linkLostRate: 0, wrongChipRate: 0, grownBadBlockRate: 0 };
/** The test eMMC with a 1 GiB user area: 16,384 program units of 64 KiB. */
const bigEmmc: Chip = { ...emmcChip, capacityBytes: 1 << 30, geometry: { ...emmcChip.geometry, userBytes: 1 << 30 } };

describe('the sim records a stream as long as the image, whatever the partition', () => {
  it('an image reaching past the first 1,024 program units of an eMMC is programmed and verified on every site', async () => {
    // Data, then 1,100 units of a fill that is not the erased value (streamed, not skipped), then data at the end.
    const res = await runSimBatch({ chip: bigEmmc, devices: 4, sites: 2, options: quiet, pieces: [{ data: 3000 }, { fill: 0x5a, length: 1100 * 65536 }, { data: 3000 }] });
    expect(byCode(res)).toEqual({ ok: 4 });
  });
});
