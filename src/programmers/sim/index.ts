import type { DriverFactory } from '../spec.js';
import { simOptionsSchema, type SimOptions } from './options.js';
import { createSim } from './create.js';

export { SimProgrammer } from './programmer.js';
export { simOptionsSchema, type SimOptions } from './options.js';

/** The `sim` driver: a simulated gang programmer (options: SimOptions). */
export const simDriver: DriverFactory<SimOptions> = {
  options: simOptionsSchema,
  create: createSim,
};
