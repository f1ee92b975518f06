/** The farm: which programmers exist, their drivers, options and mounted adapters (farm.json). */
export { loadFarmFile, validateFarm } from './load.js';
export { defaultSimFarm, type DefaultSimFarmOptions } from './default.js';
export { farmSchema, type FarmSpec, type FarmProgrammerSpec } from './schema.js';
