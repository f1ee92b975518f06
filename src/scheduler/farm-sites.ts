import type { Db } from '../db/open.js';
import type { Chip } from '../catalog/chip.js';
import { usableSites, type FarmSite } from '../inventory/usable-sites.js';
import { programmerRows } from '../store/programmers.js';

export type { FarmSite } from '../inventory/usable-sites.js';
export { siteUnusable } from '../inventory/usable-sites.js';

/** A programmer row with what a worker needs to build its driver. */
export interface FarmProgrammer {
  id: number;
  name: string;
  driver: string;
  model: string;
  serial: string;
  sites: number;
  options: Record<string, unknown>;
}

/** The registered programmers, in id order. */
export function farmProgrammers(db: Db): FarmProgrammer[] {
  return programmerRows(db);
}

/** Every site of the farm with its adapter, wear and whether it fits `chip`: the one usable-site rule's view, unusable sites included. */
export function farmSites(db: Db, chip: Chip): FarmSite[] {
  return usableSites(db, chip, { includeUnusable: true });
}
