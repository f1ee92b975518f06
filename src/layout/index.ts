/** Layout planning: where an image's bytes go on a chip (NAND bad-block schemes, eMMC partitions, capacity). */
export { checkFits, usableBytes, type FitOptions } from './fit.js';
export { nandImageShape, nandBlockBytes, type NandImageShape, type NandShapeOptions } from './nand-shape.js';
export { nandRegions, type NandRegion, type SchemeSource } from './nand-scheme.js';
export { prepareNand, mapNand, planNand, type NandLayout, type NandPlan, type NandMap, type TooManyBadBlocks, type NandPlanOptions } from './nand.js';
export { NandPlacer, placerRegions, type PlacerRegion, type PlacementFailure } from './nand-placer.js';
export { parsePartitionTable } from './partition-table.js';
export { planEmmc, type EmmcImageSizes, type EmmcPartitionPlan, type EmmcImageNames } from './emmc.js';
export { parseExtCsd, describeExtCsd, type BootImages } from './ext-csd.js';
export { sizeText } from './size-text.js';
