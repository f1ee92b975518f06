import type { ProgrammerDriver } from './driver.js';
import type { ProgrammerSpec } from './spec.js';

/** Builds a driver from a spec and the options its schema already parsed. */
type Build = (spec: ProgrammerSpec, options: never) => ProgrammerDriver;

/**
 * Drivers a worker thread can build without their options schema: loading zod and every other driver cost each of a
 * farm's workers ~40 ms of start-up (8 workers: ~200 ms of a 1 GiB one-wave lot, bench:scale).
 */
const builders: Record<string, () => Promise<Build>> = {
  sim: async () => (await import('./sim/create.js')).createSim as Build,
  blockdev: async () => (await import('./blockdev/create.js')).createBlockdev as Build,
};

/**
 * Builds the driver a spec names, loading only that driver's code. `options` are the spec's options as parsed by
 * `checkSpec` on the main thread; without them (or for a driver not listed above) the registry validates the spec
 * and builds it, throwing its FarmError for a bad one.
 */
export async function buildDriver(spec: ProgrammerSpec, options?: unknown): Promise<ProgrammerDriver> {
  const load = Object.hasOwn(builders, spec.driver) ? builders[spec.driver] : undefined;
  if (load && options !== undefined) return (await load())(spec, options as never);
  const { createDriver } = await import('./registry.js');
  return createDriver(spec);
}
