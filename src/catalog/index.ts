// The catalog API: load the reviewed data files, look chips and adapter types up, decide compatibility.
export { loadCatalogs, storeCatalogs, defaultCatalogPaths, type LoadReport } from './load.js';
export { readCatalogs, type CatalogPaths, type CatalogData } from './read-files.js';
export { getChip, listChips, chipFromRow, type ChipFilter } from './chips.js';
export { listAdapterTypes, getAdapterType, familyKinds, type AdapterType, type AdapterFit } from './adapter-types.js';
export { adapterFitsChip, fitTakesChip, fittingAdapterTypes, familiesForChip } from './compat.js';
