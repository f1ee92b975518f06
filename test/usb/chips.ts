import type { Chip } from '../../src/catalog/chip.js';

/** A small SPI NOR part for fast emulator tests: W25Q-series command set, 64 KiB (W25X05CL-like geometry). */
export const smallNor: Chip = {
  part: 'W25X05CL', vendor: 'Winbond', kind: 'spi-nor', package: 'SOIC8', bodyWmm: 3.9, bodyLmm: 4.9, pitchMm: 1.27,
  capacityBytes: 65536, idBytes: 'ef3010',
  geometry: { pageSize: 256, sectorSize: 4096, blockSize: 32768, sectors: 16 },
  timings: { tProgUs: 800, tEraseUs: 30000 }, defectRate: 0, source: 'Winbond W25X05CL data sheet (JEDEC ID EF 30 10)',
};

/** A small SPI NAND part: W25N01GV page/spare/block layout with only 32 blocks, so whole-chip tests stay fast. */
export const smallSpiNand: Chip = {
  part: 'W25N-TEST32', vendor: 'Winbond', kind: 'spi-nand', package: 'WSON8', bodyWmm: 8, bodyLmm: 6, pitchMm: 1.27,
  capacityBytes: 32 * 64 * 2048, idBytes: 'efaa21',
  geometry: { pageSize: 2048, spareSize: 64, pagesPerBlock: 64, blocks: 32, minValidBlocks: 28, badBlockMarker: { pages: [0], spareOffset: 0 } },
  timings: { tReadUs: 25, tProgUs: 250, tEraseUs: 2000 }, defectRate: 0, source: 'Winbond W25N01GV data sheet, block count reduced for tests',
};

/** A small parallel NAND: 2 KiB pages, 64-byte spare, 64 pages a block, 64 blocks (K9F1G08-like layout, fewer blocks). */
export const smallNand: Chip = {
  part: 'K9F-TEST64', vendor: 'Samsung', kind: 'nand', package: 'TSOP48', bodyWmm: 12, bodyLmm: 20, pitchMm: 0.5,
  capacityBytes: 64 * 64 * 2048, idBytes: 'ecf1001595',
  geometry: { pageSize: 2048, spareSize: 64, pagesPerBlock: 64, blocks: 64, minValidBlocks: 60, badBlockMarker: { pages: [0, 1], spareOffset: 0 } },
  timings: { tReadUs: 25, tProgUs: 200, tEraseUs: 1500 }, defectRate: 0, source: 'Samsung K9F1G08U0E data sheet, block count reduced for tests',
};

/** A 1 MiB SPI NOR (W25Q80DV geometry and ID): big enough for the driver contract's image and serial offsets. */
export const contractNor: Chip = {
  part: 'W25Q80DV', vendor: 'Winbond', kind: 'spi-nor', package: 'SOIC8', bodyWmm: 3.9, bodyLmm: 4.9, pitchMm: 1.27,
  capacityBytes: 1 << 20, idBytes: 'ef4014',
  geometry: { pageSize: 256, sectorSize: 4096, blockSize: 65536, sectors: 256 },
  timings: { tProgUs: 700, tEraseUs: 45000 }, defectRate: 0, source: 'Winbond W25Q80DV data sheet (JEDEC ID EF 40 14)',
};
