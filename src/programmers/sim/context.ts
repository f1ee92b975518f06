import type { Chip } from '../../catalog/chip.js';
import type { Progress, SiteFailure, SiteOutcome, Stage } from '../driver.js';
import type { EmmcPartition } from '../../layout/target.js';
import type { SimClock } from './clock.js';
import type { SimGeometry } from './geometry.js';
import type { SimOptions } from './options.js';
import type { SimSite } from './site.js';

/** What the last program() sent, per image unit: the digests verify() compares against. */
export interface ProgramRecord {
  partition: EmmcPartition;
  withSpare: boolean;
  unitBytes: number;
  /** Image units covered by the stream. */
  units: number;
  /** Image bytes streamed. */
  bytes: number;
  crc: Uint32Array;
  /** Bytes sent per unit (0 = nothing sent: no expectation). */
  sent: Uint32Array;
}

/** The state an opened sim programmer shares with its operations. */
export interface SimContext {
  chip: Chip;
  geom: SimGeometry;
  opts: SimOptions;
  clock: SimClock;
  sites: SimSite[];
  /** Units after which this cycle's link drops, when it does. */
  linkCut?: number;
  last?: ProgramRecord;
}

/** A failure record. */
export function failure(code: SiteFailure['code'], stage: Stage, message: string): SiteFailure {
  return { code, stage, message };
}

/** The outcome of one site, with its NAND bad blocks when known. */
export function outcome(site: SimSite, f?: SiteFailure): SiteOutcome {
  const o: SiteOutcome = { site: site.index };
  if (f) o.failure = f;
  if (site.bad && site.scanned) o.badBlocks = site.badBlocks();
  return o;
}

/** Advances simulated time in steps, reporting progress up to `bytes` and pacing to the configured speed. */
export async function timed(ctx: SimContext, us: number, bytes: number, progress?: Progress): Promise<void> {
  const steps = 16;
  for (let i = 1; i <= steps; i++) {
    ctx.clock.advance(us / steps);
    progress?.(Math.round((bytes * i) / steps));
    await ctx.clock.pace();
  }
}

/** NAND: scans a site's markers if not yet done; fails the device when fewer good blocks remain than the datasheet's minimum. */
export function checkValidBlocks(ctx: SimContext, site: SimSite, stage: Stage): SiteFailure | undefined {
  if (!site.bad) return undefined;
  site.scanMarkers();
  const g = ctx.chip.geometry as { blocks: number; minValidBlocks: number };
  const bad = site.badBlocks().length;
  if (g.blocks - bad < g.minValidBlocks) {
    return failure('too-many-bad-blocks', stage, `${bad} bad blocks leave ${g.blocks - bad} valid blocks, below the datasheet minimum of ${g.minValidBlocks}`);
  }
  return undefined;
}
