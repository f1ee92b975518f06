import { simDriver, SimProgrammer } from '../../src/programmers/sim/index.js';
import type { ProgrammerSpec } from '../../src/programmers/spec.js';

/** What a test reads of one sim site: bad blocks, where the last program put each image block, eMMC registers. */
export interface SimSiteView {
  badBlocks: number[];
  map?: Int32Array;
  extCsd?: Uint8Array;
  cid?: Uint8Array;
}

/** The sim programmer with a view into its sites, for tests that compare its media with a planner's answer. */
export class InspectableSim extends SimProgrammer {
  /** The state of one site's device now. */
  inspectSite(site: number): SimSiteView {
    const s = this.c.sites[site];
    return { badBlocks: s.badBlocks(), map: s.map, extCsd: s.extCsd, cid: s.cid };
  }
}

/** An InspectableSim built from a `sim` programmer spec, its options checked and defaulted as the registry does. */
export function inspectableSim(spec: Omit<ProgrammerSpec, 'driver'>): InspectableSim {
  const options = simDriver.options.parse(spec.options ?? {});
  return new InspectableSim({ driver: 'sim', model: spec.model, serial: spec.serial, sites: spec.sites }, options);
}
