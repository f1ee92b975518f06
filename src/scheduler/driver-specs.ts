import type { ProgrammerSpec } from '../programmers/spec.js';
import { siteUnusable, type FarmProgrammer, type FarmSite } from './farm-sites.js';

/**
 * Options merged over each programmer's own, by driver name; the scheduler never reads them. The CLI's `--speed`
 * arrives here as `{ sim: { speed } }`. @default {}
 * @example { sim: { speed: 'unlimited' } }
 */
export type DriverOptionOverrides = Record<string, Record<string, unknown>>;

/** The usable sites of `sites` and, per programmer that has one, the spec a worker builds its driver from. */
export function driverSpecs(
  programmers: FarmProgrammer[],
  sites: FarmSite[],
  overrides: DriverOptionOverrides = {},
): { specs: ProgrammerSpec[]; used: FarmProgrammer[]; usedSites: Map<string, number[]> } {
  const usable = sites.filter((s) => siteUnusable(s) === null);
  const names = new Set(usable.map((s) => s.programmer));
  const used = programmers.filter((p) => names.has(p.name));
  return {
    specs: used.map((p) => ({ name: p.name, driver: p.driver, model: p.model, serial: p.serial, sites: p.sites, options: { ...p.options, ...overrides[p.driver] } })),
    used,
    usedSites: new Map(used.map((p) => [p.name, usable.filter((s) => s.programmer === p.name).map((s) => s.site)])),
  };
}
