import type { FailureCode, SiteFailure } from './driver.js';

/**
 * One site's result of one cycle: made by runCycle in the programmer's worker, carried unchanged through the fan-out
 * and the scheduler, and turned into an attempts row by the recorder.
 */
export interface SiteResult {
  site: number;
  /** The device's trace label from the insertion. */
  device: string;
  /** True when the device passed every operation (no `failure`). */
  ok: boolean;
  failure?: SiteFailure;
  /** NAND bad blocks known on the device at its last operation. */
  badBlocks: number;
  /** ms since the epoch. */
  startedAt: number;
  endedAt: number;
}

/** The failure codes a lost programmer gives every device it held. */
export type LossCode = Extract<FailureCode, 'link-lost' | 'timeout'>;

/** Why a programmer gave no results for a wave: its worker or link was lost (`link-lost`), or a watchdog gave up on it (`timeout`). */
export interface ProgrammerLoss {
  code: LossCode;
  message: string;
  /** The worker's error, rebuilt on the main thread as our error class (errors.ts `fromWire`). @default none */
  cause?: Error;
}

/** A programmer's outcome of a wave: every site's result, or why it gave none. */
export type ProgrammerOutcome = { results: SiteResult[] } | { lost: ProgrammerLoss };

/** A loss of the link (the worker died, its session ended, its driver failed to open). */
export const linkLost = (message: string, cause?: Error): ProgrammerLoss => (cause ? { code: 'link-lost', message, cause } : { code: 'link-lost', message });
