import type { Chip } from '../../src/catalog/chip.js';

/** Test chips: real catalog facts (sources named); the eMMC's user area is shrunk so tests stay fast. */
export const nandChip: Chip = {
  vendor: 'Micron', part: 'MT29F1G08ABAEAWP', kind: 'nand', package: 'TSOP48', bodyWmm: 12, bodyLmm: 20, pitchMm: 0.5,
  capacityBytes: 134217728, idBytes: '2cf1809504',
  geometry: { pageSize: 2048, spareSize: 64, pagesPerBlock: 64, blocks: 1024, minValidBlocks: 1004, badBlockMarker: { pages: [0], spareOffset: 0 } },
  timings: { tReadUs: 25, tProgUs: 200, tEraseUs: 700 }, defectRate: 0.002,
  source: 'Micron MT29F1G08ABAEAWP/ABAEAH4 1Gb x8 SLC NAND data sheet',
};

export const spiNandChip: Chip = {
  vendor: 'Winbond', part: 'W25N01GVZEIG', kind: 'spi-nand', package: 'WSON8', bodyWmm: 8, bodyLmm: 6, pitchMm: 1.27,
  capacityBytes: 134217728, idBytes: 'efaa21',
  geometry: { pageSize: 2048, spareSize: 64, pagesPerBlock: 64, blocks: 1024, minValidBlocks: 1004, badBlockMarker: { pages: [0], spareOffset: 0 } },
  timings: { tReadUs: 25, tProgUs: 250, tEraseUs: 2000, interfaceMHz: 104 }, defectRate: 0.002,
  source: 'Winbond W25N01GV 3V 1G-bit serial SLC NAND flash data sheet',
};

export const emmcChip: Chip = {
  vendor: 'Samsung', part: 'KLM8G1GETF-B041', kind: 'emmc', package: 'BGA153', bodyWmm: 11.5, bodyLmm: 13, pitchMm: 0.5,
  capacityBytes: 16 << 20, idBytes: '150100384754463452',
  geometry: { userBytes: 16 << 20, bootBytes: 4194304, rpmbBytes: 4194304, eraseGroupBytes: 524288 },
  timings: { interfaceMHz: 200 }, defectRate: 0.003,
  source: 'Samsung KLM8G1GETF-B041 8GB e.MMC 5.1 data sheet (user area shrunk to 16 MiB for tests)',
};

export const norChip: Chip = {
  vendor: 'Winbond', part: 'W25Q16JVSNIQ', kind: 'spi-nor', package: 'SOIC8', bodyWmm: 3.9, bodyLmm: 4.9, pitchMm: 1.27,
  capacityBytes: 2097152, idBytes: 'ef4015',
  geometry: { pageSize: 256, sectorSize: 4096, blockSize: 65536, sectors: 512 },
  timings: { tProgUs: 400, tEraseUs: 45000, interfaceMHz: 133 }, defectRate: 0.001,
  source: 'Winbond W25Q16JV 3V 16M-bit serial flash data sheet',
};
