// The rows `gangflash trace` reads, one shape for both engines: the station's store reads them from its SQLite
// journal, the hub's store from PostgreSQL (each with its own SQL and a few fields of its own on top), and one
// mapping (src/report/trace.ts) turns either into the traced device that `trace` prints.

/** A device position with its lot, reel, chip, job, image and final result (null fields: not finished yet). */
export interface TraceDeviceRow {
  lot: string;
  reel: string;
  seq: number;
  dateCode: string | null;
  part: string | null;
  chip: string;
  jobId: number;
  jobName: string;
  jobVersion: number;
  imageSha256: string;
  /** Where the station keeps the image (null when none is registered, and always on the hub: the place is each station's own). */
  imagePath: string | null;
  result: string | null;
  failureCode: string | null;
  serial: string | null;
  finishedAt: string | null;
}

/** One insertion of a traced device. */
export interface TraceAttemptRow {
  /** The station's attempt row id; on the hub, the id the station uploaded the attempt under. */
  id: number | string;
  attempt: number;
  programmer: string;
  programmerSerial: string;
  /** The programmer's driver (null on the hub for a programmer no station has published). */
  driver: string | null;
  site: number;
  adapter: string | null;
  adapterType: string | null;
  /** Insertions the adapter had seen up to and including this one (every receptacle). */
  adapterInsertions: number | null;
  startedAt: string;
  endedAt: string | null;
  result: string;
  stage: string | null;
  failureCode: string | null;
  badBlocks: number;
  serial: string | null;
  /** Who ran the insertion's run, whether it was an engineering run, and which gangflash (null before station schema 6 or hub schema 3). */
  operator: string | null;
  engineering: boolean | null;
  gangflashVersion: string | null;
}

/** What one field of a serial value wrote: its text and the bytes at each offset. */
export interface WrittenField {
  name: string;
  text: string;
  writes: { offset: number; hex: string }[];
}

/** A serial ledger row, with its rule's name, as the trace shows it. */
export interface TraceLedgerRow {
  rule: string;
  k: number;
  value: string;
  state: string;
  lot: string | null;
  reel: string | null;
  seq: number | null;
  attempt: number | null;
  reason: string | null;
  at: string;
  /** The bytes each field wrote (null for a value uploaded to the hub before hub schema 3). */
  fields: WrittenField[] | null;
}
