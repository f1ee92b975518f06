import { FarmError } from '../errors.js';
import type { ProgrammerDriver } from './driver.js';
import { drivers } from './drivers.js';
import type { PreflightContext, PreflightIssue, ProgrammerSpec } from './spec.js';

export type { ProgrammerSpec, DriverFactory, PreflightContext, PreflightIssue, ProtectedFile } from './spec.js';

/** One problem with a programmer spec: where (a JSON path inside the spec) and what. */
export interface SpecIssue {
  path: (string | number)[];
  message: string;
}

/** Names of the registered drivers. */
export function driverNames(): string[] {
  return Object.keys(drivers).sort();
}

/** Formats a JSON path like `options.siteWear[2]`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '');
}

/** Checks a spec's driver name, sites and options; returns every issue (empty when valid) and the parsed options. */
export function checkSpec(spec: ProgrammerSpec): { issues: SpecIssue[]; options?: unknown } {
  // Own keys only: a driver named "toString" or "__proto__" must not find Object.prototype's members.
  const factory = Object.hasOwn(drivers, spec.driver) ? drivers[spec.driver] : undefined;
  if (!factory) return { issues: [{ path: ['driver'], message: `unknown driver "${spec.driver}"; known drivers: ${driverNames().join(', ')}` }] };
  const issues: SpecIssue[] = [];
  if (!Number.isInteger(spec.sites) || spec.sites < 1 || spec.sites > 64) issues.push({ path: ['sites'], message: `sites must be a whole number 1..64, got ${String(spec.sites)}` });
  const parsed = factory.options.safeParse(spec.options ?? {});
  if (!parsed.success) {
    for (const i of parsed.error.issues) issues.push({ path: ['options', ...(i.path as (string | number)[])], message: i.message });
  } else if (issues.length === 0 && factory.check) {
    for (const i of factory.check(spec, parsed.data)) issues.push({ path: ['options', ...i.path], message: i.message });
  }
  return { issues, options: parsed.success ? parsed.data : undefined };
}

/** Runs a valid spec's driver preflight on this host (targets, protected files); empty when the driver has none. */
export function preflightSpec(spec: ProgrammerSpec, ctx: PreflightContext): PreflightIssue[] {
  const { issues, options } = checkSpec(spec);
  if (issues.length > 0) return [{ code: 'bad-programmer-spec', message: `programmer "${spec.name}" (${spec.driver}): ${issues.map((i) => `${jsonPath(i.path)}: ${i.message}`).join('; ')}` }];
  return drivers[spec.driver].preflight?.(spec, options, ctx) ?? [];
}

/** Builds the driver a spec names, with its options validated; throws a FarmError naming each bad field. */
export function createDriver(spec: ProgrammerSpec): ProgrammerDriver {
  const { issues, options } = checkSpec(spec);
  if (issues.length > 0) throw specError(spec, issues);
  return drivers[spec.driver].create(spec, options);
}

/** The FarmError naming every bad field of a spec that `checkSpec` refused. */
export function specError(spec: ProgrammerSpec, issues: SpecIssue[]): FarmError {
  return new FarmError('bad-programmer-spec', `programmer "${spec.name}" (${spec.driver}): ${issues.map((i) => `${jsonPath(i.path)}: ${i.message}`).join('; ')}`);
}
