import type { Chip, EmmcGeometry, NandGeometry } from '../../src/catalog/chip.js';

/** A small NAND test chip: 512+16-byte pages, 4 pages a block (2048 data / 2112 with spare), `blocks` blocks. */
export function smallNand(blocks = 32, minValidBlocks = 28): Chip {
  const geometry: NandGeometry = { pageSize: 512, spareSize: 16, pagesPerBlock: 4, blocks, minValidBlocks, badBlockMarker: { pages: [0], spareOffset: 0 } };
  return base('TEST-NAND', 'nand', blocks * 2048, geometry);
}

/** A small eMMC test chip: 8 MiB user area, 512 KiB boot partitions (0 for none). */
export function smallEmmc(bootBytes = 512 * 1024): Chip {
  const geometry: EmmcGeometry = { userBytes: 8 * 1024 * 1024, bootBytes, rpmbBytes: 128 * 1024, eraseGroupBytes: 512 * 1024 };
  return base('TEST-EMMC', 'emmc', 8 * 1024 * 1024, geometry);
}

function base(part: string, kind: Chip['kind'], capacityBytes: number, geometry: Chip['geometry']): Chip {
  return {
    part, vendor: 'Test', kind, package: 'BGA', bodyWmm: 11.5, bodyLmm: 13, pitchMm: 0.5, capacityBytes,
    idBytes: 'ec', geometry, timings: {}, defectRate: 0, source: 'test geometry',
  };
}
