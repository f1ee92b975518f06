import type { DriverFactory } from '../spec.js';
import { blockdevOptionsSchema, type BlockdevOptions } from './options.js';
import { BlockdevProgrammer } from './programmer.js';
import { checkTargetCount, preflightTargets } from './identity.js';

export { BlockdevProgrammer } from './programmer.js';
export { blockdevOptionsSchema, type BlockdevOptions } from './options.js';
export { checkTarget } from './safety.js';

/** The `blockdev` driver: block devices or plain files as sites (options: BlockdevOptions). */
export const blockdevDriver: DriverFactory<BlockdevOptions> = {
  options: blockdevOptionsSchema,
  check: checkTargetCount,
  preflight: preflightTargets,
  create: (spec, options) => new BlockdevProgrammer({ driver: 'blockdev', model: spec.model, serial: spec.serial, sites: spec.sites }, options),
};
