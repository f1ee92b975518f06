import type { DriverFactory } from '../spec.js';
import { simOptionsSchema, type SimOptions } from './options.js';
import { SimProgrammer } from './programmer.js';

export { SimProgrammer } from './programmer.js';
export { simOptionsSchema, type SimOptions } from './options.js';

/** The `sim` driver: a simulated gang programmer (options: SimOptions). */
export const simDriver: DriverFactory<SimOptions> = {
  options: simOptionsSchema,
  create: (spec, options) => new SimProgrammer({ driver: 'sim', model: spec.model, serial: spec.serial, sites: spec.sites }, options),
};
