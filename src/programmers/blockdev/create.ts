import type { ProgrammerSpec } from '../spec.js';
import type { BlockdevOptions } from './options.js';
import { BlockdevProgrammer } from './programmer.js';

/** Builds a `blockdev` driver from a spec whose options were parsed (no schema library loaded here). */
export function createBlockdev(spec: ProgrammerSpec, options: BlockdevOptions): BlockdevProgrammer {
  return new BlockdevProgrammer({ driver: 'blockdev', model: spec.model, serial: spec.serial, sites: spec.sites }, options);
}
