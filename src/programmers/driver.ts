import type { Extent } from '../images/extent.js';
import type { Chip } from '../catalog/chip.js';
import type { EmmcPartition, ProgramTarget } from '../layout/target.js';
import type { ExtCsdWrite } from '../layout/ext-csd.js';

/** Why a device failed, as every driver reports it. Stable: stored in the database and in NDJSON events. */
export const FAILURE_CODES = [
  'no-device',
  'bad-contact',
  'id-mismatch',
  'erase-failed',
  'blank-check-failed',
  'program-failed',
  'verify-failed',
  'too-many-bad-blocks',
  'link-lost',
  'timeout',
] as const;
/** One of FAILURE_CODES. */
export type FailureCode = (typeof FAILURE_CODES)[number];

/** The operation a device was in when it failed. */
export type Stage = 'id' | 'erase' | 'blank' | 'program' | 'verify' | 'serial' | 'ext-csd';

/** A typed failure of one site's device. */
export interface SiteFailure {
  code: FailureCode;
  stage: Stage;
  message: string;
}

/** The outcome of one operation on one site. */
export interface SiteOutcome {
  site: number;
  failure?: SiteFailure;
  /** Physical bad blocks known on this site's device after the operation (NAND). */
  badBlocks?: number[];
}

/** The outcome of reading one site's device ID. */
export interface IdOutcome extends SiteOutcome {
  id?: Uint8Array;
}

/** Reports bytes done so far in the current operation (per programmer: bytes given to all its sites). */
export type Progress = (bytesDone: number) => void;

/** A device put into a site for this cycle; `device` is a trace label (lot/reel/seq) the sim derives its faults from. */
export interface Insertion {
  site: number;
  device: string;
  /** Wear of the site's adapter at this insertion (insertions / rated life, 0..1+), for simulators; hardware ignores it. */
  wear?: number;
}

/** Serial data for one site, written at a byte offset of the user area. */
export interface SerialWrite {
  site: number;
  offset: number;
  bytes: Uint8Array;
}

/** Static facts of an opened programmer. */
export interface ProgrammerInfo {
  driver: string;
  model: string;
  serial: string;
  sites: number;
}

/**
 * One programmer, whatever its kind. Operations take the sites to act on and run on all of them together,
 * as a gang programmer does: bytes given to program() once reach every listed site. A site whose device failed
 * is reported with a SiteFailure and should not be passed to later operations of the cycle.
 * Driver-level breakage (transport gone) is reported as `link-lost` on every listed site, not thrown.
 */
export interface ProgrammerDriver {
  readonly info: ProgrammerInfo;
  /** Connects to the programmer and prepares it for `chip`. */
  open(chip: Chip): Promise<void>;
  /** Releases the programmer. Safe to call twice. */
  close(): Promise<void>;
  /** Starts a cycle: the given devices are now in their sites. */
  load(insertions: Insertion[]): Promise<void>;
  /** Ends a cycle: the sites are emptied. */
  unload(): Promise<void>;
  readId(sites: number[]): Promise<IdOutcome[]>;
  erase(sites: number[], progress?: Progress): Promise<SiteOutcome[]>;
  blankCheck(sites: number[], progress?: Progress): Promise<SiteOutcome[]>;
  /** Writes the stream to every listed site; records what it sent so verify() can compare. */
  program(sites: number[], extents: AsyncIterable<Extent>, target: ProgramTarget, progress?: Progress): Promise<SiteOutcome[]>;
  /** Compares each site's content with what the last program() sent (digests of real bytes). */
  verify(sites: number[], progress?: Progress): Promise<SiteOutcome[]>;
  writeSerial(writes: SerialWrite[]): Promise<SiteOutcome[]>;
  selectPartition(sites: number[], partition: EmmcPartition): Promise<SiteOutcome[]>;
  writeExtCsd(sites: number[], fields: ExtCsdWrite[]): Promise<SiteOutcome[]>;
}
