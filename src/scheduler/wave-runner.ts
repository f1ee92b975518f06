import type { Insertion, SerialWrite, Stage } from '../programmers/driver.js';
import type { ProgrammerLoss, ProgrammerOutcome } from '../programmers/site-result.js';

/** What the scheduler asks of one programmer for one cycle; the job's operations are fixed when the runner starts. */
export interface CycleRequest {
  insertions: Insertion[];
  serials: SerialWrite[];
}

/** Live progress of one site. */
export interface SiteProgress {
  programmer: string;
  site: number;
  stage: Stage | 'done';
  bytesDone: number;
  bytesTotal: number;
}

/**
 * Runs cycles on many programmers at once: one wave streams the job's image once to every programmer that has a
 * cycle in it. The scheduler sees only this, never a driver.
 */
export interface WaveRunner {
  runWave(cycles: Map<string, CycleRequest>, onProgress: (p: SiteProgress) => void): Promise<Map<string, ProgrammerOutcome>>;
  /** Gives up on the programmers still in the running wave: they end as `{ lost: loss }`. Returns their names. */
  abortWave(loss: ProgrammerLoss): string[];
  /** Starts a fresh session for a programmer whose worker was lost. */
  restart(programmer: string): Promise<void>;
  close(): Promise<void>;
}
