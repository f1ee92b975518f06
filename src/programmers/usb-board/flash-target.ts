import type { Extent } from '../../images/extent.js';
import type { Progress } from '../driver.js';
import type { ProgramTarget } from '../../layout/target.js';
import type { ProgramResult } from './single-site.js';
import type { Mismatch, SentRecord } from './sent-digest.js';

/** One kind of flash chip behind a one-socket programmer (SPI NOR, SPI NAND, parallel NAND): the per-chip logic. */
export interface FlashTarget {
  /** Resets/unlocks the chip after power-up so that it can be erased and programmed. */
  prepare(): Promise<void>;
  readId(): Promise<Uint8Array>;
  /** Erases every usable block; returns the bad blocks known afterwards (NAND). */
  erase(progress: Progress): Promise<number[] | void>;
  blankCheck(progress: Progress): Promise<void>;
  program(extents: AsyncIterable<Extent>, target: ProgramTarget, progress: Progress): Promise<ProgramResult>;
  readback(sent: SentRecord, progress: Progress): Promise<Mismatch | undefined>;
  writeAt(offset: number, bytes: Uint8Array): Promise<void>;
}
