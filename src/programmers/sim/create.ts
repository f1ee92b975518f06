import type { ProgrammerSpec } from '../spec.js';
import type { SimOptions } from './options.js';
import { SimProgrammer } from './programmer.js';

/** Builds a `sim` driver from a spec whose options were parsed (no schema library loaded here). */
export function createSim(spec: ProgrammerSpec, options: SimOptions): SimProgrammer {
  return new SimProgrammer({ driver: 'sim', model: spec.model, serial: spec.serial, sites: spec.sites }, options);
}
