import type { WireEnvelope } from './envelope.js';

/** Where envelopes go: resolves with how many of the batch (from its start, in order) the sink accepted for good. */
export interface MesSink {
  /** Sends a batch in order; resolves with the count accepted from its start, rejects when none could be. */
  send(batch: WireEnvelope[]): Promise<number>;
  /** A short description for status lines (never with credentials). */
  readonly describe: string;
  /** Closes connections or files. */
  close(): Promise<void>;
}
