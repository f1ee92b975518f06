/** What the main thread and a programmer's session worker say to each other over its MessagePort. */
import type { MessagePort } from 'node:worker_threads';
import type { Chip } from '../../catalog/chip.js';
import type { Stage } from '../../programmers/driver.js';
import type { EmmcPartition } from '../../layout/target.js';
import type { CyclePlan } from '../../programmers/cycle.js';
import type { SiteResult } from '../../programmers/site-result.js';
import type { WireError } from '../../errors.js';
import type { ProgrammerSpec } from '../../programmers/spec.js';

/** An image on disk, as a worker opens it itself (boot partitions, or the rest of an image after a detach). */
export interface ImageFile {
  path: string;
  /** Fill byte of HEX/S-record gaps. @default 0xFF */
  fill?: number;
}

/** A boot-partition image of an eMMC cycle, by file (each worker reads these small images itself). */
export interface BootImageFile extends ImageFile {
  partition: 'boot1' | 'boot2';
  /** Expanded size, for progress totals. @default unknown */
  bytes?: number;
}

/** A cycle plan as plain data: runCycle's plan, with boot images given as files. */
export type WireCyclePlan = Omit<CyclePlan, 'bootImages'> & { bootImages?: BootImageFile[] };

/** The data of one session task (piscina `run`): one programmer, for the whole session. */
export interface SessionTask {
  spec: ProgrammerSpec;
  /** The spec's options as its driver's schema parsed them on the main thread, or undefined when they are invalid. */
  options?: unknown;
  chip: Chip;
  /** The chunk ring (shared, not copied). */
  ring: SharedArrayBuffer;
  /** This programmer's consumer index in the ring. */
  consumer: number;
  port: MessagePort;
  /** Minimum ms between two progress messages of a stage. */
  progressMs: number;
}

/** Main → worker. */
export type ToSession =
  | { type: 'cycle'; wave: number; plan: WireCyclePlan; image: ImageFile }
  | { type: 'close' };

/** Per-cycle figures a worker measures itself. */
export interface CycleFigures {
  /** Wall ms spent in each stage (from its first progress report to the next stage's). */
  stageMs: Partial<Record<Stage, number>>;
  /** Bytes of the user image the programmer consumed from the ring or the file. */
  imageBytes: number;
  /** Bytes it read from the file itself after being detached (0 when it stayed on the ring). */
  resumedBytes: number;
  /** Offset it resumed from when detached. */
  detachedAt?: number;
}

/** Worker → main. */
export type FromSession =
  | { type: 'ready'; sites: number }
  | { type: 'progress'; wave: number; stage: Stage; partition?: EmmcPartition; bytesDone: number; bytesTotal?: number }
  | { type: 'detached'; wave: number; offset: number }
  | { type: 'done'; wave: number; results: SiteResult[]; figures: CycleFigures }
  | { type: 'error'; wave?: number; error: WireError };
