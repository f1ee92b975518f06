import type { DriverFactory } from '../spec.js';
import { blockdevOptionsSchema, type BlockdevOptions } from './options.js';
import { createBlockdev } from './create.js';
import { checkTargetCount, preflightTargets } from './identity.js';

export { BlockdevProgrammer } from './programmer.js';
export { blockdevOptionsSchema, type BlockdevOptions } from './options.js';
export { checkTarget } from './safety.js';

/** The `blockdev` driver: block devices or plain files as sites (options: BlockdevOptions). */
export const blockdevDriver: DriverFactory<BlockdevOptions> = {
  options: blockdevOptionsSchema,
  check: checkTargetCount,
  preflight: preflightTargets,
  create: createBlockdev,
};
