import { describe, expect, it } from 'vitest';
import { planEmmc, parseExtCsd, describeExtCsd, checkFits } from '../../src/layout/index.js';
import { LayoutError } from '../../src/errors.js';
import { smallEmmc, smallNand } from './chips.js';

const chip = smallEmmc();
const both = { boot1: true, boot2: true };

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof LayoutError) return e.code;
    throw e;
  }
  return 'no error';
}

describe('eMMC partitions', () => {
  it('plans user, BOOT1 and BOOT2 images each against its own capacity', () => {
    expect(planEmmc(chip, { user: 1 << 20, boot1: 4096, boot2: 512 * 1024 })).toEqual([
      { partition: 'user', imageBytes: 1 << 20, capacityBytes: 8 << 20 },
      { partition: 'boot1', imageBytes: 4096, capacityBytes: 512 * 1024 },
      { partition: 'boot2', imageBytes: 512 * 1024, capacityBytes: 512 * 1024 },
    ]);
  });

  it('refuses a boot image larger than a boot partition, stating both sizes', () => {
    let msg = '';
    try {
      planEmmc(chip, { user: 100, boot2: 512 * 1024 + 1 }, { boot2: 'spl.bin' });
    } catch (e) {
      msg = (e as LayoutError).message;
      expect((e as LayoutError).code).toBe('image-too-large');
    }
    expect(msg).toContain('spl.bin is 524289 bytes');
    expect(msg).toContain('BOOT2 partition, 524288 bytes (512.0 KiB)');
  });

  it('refuses a boot image on a chip without boot partitions', () => {
    expect(code(() => planEmmc(smallEmmc(0), { user: 1, boot1: 1 }))).toBe('no-boot-partition');
  });

  it('refuses a user image larger than the user area', () => {
    expect(code(() => planEmmc(chip, { user: (8 << 20) + 1 }))).toBe('image-too-large');
  });
});

describe('EXT_CSD settings', () => {
  it('parses BOOT_PARTITION_CONFIG by name with a hex value', () => {
    expect(parseExtCsd(['BOOT_PARTITION_CONFIG=0x48'], chip, both)).toEqual([{ index: 179, value: 0x48 }]);
  });

  it('parses bytes by decimal and hex index, sorted by index', () => {
    expect(parseExtCsd(['0xB3=8', '177=0x12'], chip, both)).toEqual([{ index: 177, value: 0x12 }, { index: 179, value: 8 }]);
  });

  it('combines field settings of one byte', () => {
    expect(parseExtCsd(['BOOT_ACK=1', 'BOOT_PARTITION_ENABLE=2', 'BOOT_BUS_WIDTH=2', 'RESET_BOOT_BUS_CONDITIONS=1'], chip, both)).toEqual([
      { index: 177, value: 0x06 },
      { index: 179, value: 0x50 },
    ]);
  });

  it('accepts booting from the user area without boot images', () => {
    expect(parseExtCsd(['BOOT_PARTITION_ENABLE=7'], chip, { boot1: false, boot2: false })).toEqual([{ index: 179, value: 0x38 }]);
  });

  it('refuses reserved bits and reserved field values', () => {
    expect(code(() => parseExtCsd(['179=0x80'], chip, both))).toBe('ext-csd-reserved');
    expect(code(() => parseExtCsd(['BOOT_PARTITION_CONFIG=0x18'], chip, both))).toBe('ext-csd-reserved'); // enable = 3
    expect(code(() => parseExtCsd(['BOOT_BUS_CONDITIONS=0x18'], chip, both))).toBe('ext-csd-reserved'); // BOOT_MODE = 3
    expect(code(() => parseExtCsd(['BOOT_BUS_WIDTH=3'], chip, both))).toBe('ext-csd-reserved');
    expect(code(() => parseExtCsd(['177=0x20'], chip, both))).toBe('ext-csd-reserved');
  });

  it('never lets a job select RPMB', () => {
    expect(() => parseExtCsd(['PARTITION_ACCESS=3'], chip, both)).toThrow(/RPMB is never written/);
  });

  it('refuses enabling a boot partition that has no image', () => {
    expect(code(() => parseExtCsd(['BOOT_PARTITION_ENABLE=1'], chip, { boot1: false, boot2: true }))).toBe('ext-csd-boot-empty');
  });

  it('refuses enabling a boot partition the chip lacks', () => {
    expect(code(() => parseExtCsd(['BOOT_PARTITION_ENABLE=2'], smallEmmc(0), both))).toBe('ext-csd-no-boot');
  });

  it('refuses other EXT_CSD bytes, bad syntax, values too large and the same byte twice', () => {
    expect(code(() => parseExtCsd(['183=1'], chip, both))).toBe('ext-csd-field');
    expect(code(() => parseExtCsd(['BOOT_ACK'], chip, both))).toBe('ext-csd-syntax');
    expect(code(() => parseExtCsd(['BOOT_ACK=2'], chip, both))).toBe('ext-csd-value');
    expect(code(() => parseExtCsd(['179=0x100'], chip, both))).toBe('ext-csd-value');
    expect(code(() => parseExtCsd(['179=8', 'BOOT_ACK=1'], chip, both))).toBe('ext-csd-conflict');
    expect(code(() => parseExtCsd(['BOOT_ACK=1', 'BOOT_ACK=0'], chip, both))).toBe('ext-csd-conflict');
  });

  it('describes a write field by field', () => {
    expect(describeExtCsd({ index: 179, value: 0x48 })).toBe('BOOT_PARTITION_CONFIG[179] = 0x48 (BOOT_ACK=1 BOOT_PARTITION_ENABLE=1 PARTITION_ACCESS=0)');
  });
});

describe('capacity check for every chip kind', () => {
  it('refuses a NOR image larger than the array with both sizes', () => {
    const nor = { ...smallNand(), kind: 'spi-nor' as const, geometry: { pageSize: 256, sectorSize: 4096, blockSize: 65536, sectors: 256 } };
    expect(checkFits(nor, 1 << 20)).toBe(1 << 20);
    expect(() => checkFits(nor, (1 << 20) + 1, { imageName: 'fw.bin' })).toThrow('fw.bin is 1048577 bytes (1.00 MiB), larger than the usable capacity of the TEST-NAND, 1048576 bytes (1.00 MiB)');
  });

  it('counts spare bytes in NAND capacity for a data+spare image', () => {
    expect(checkFits(smallNand(32, 28), 28 * 2112, { withSpare: true })).toBe(28 * 2112);
  });
});
