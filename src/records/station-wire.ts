// What a station tells its hub: the records it uploads from its journal's outbox and what it publishes about itself.
// The station's store reads these shapes out of its journal and the hub's store writes them; neither imports the
// other, both import this file (docs/architecture.md, "Which part may use which").

/** One insertion as a station uploads it; `id` is the station-generated id that makes uploads idempotent. */
export interface UploadedAttempt {
  id: string;
  lot: string;
  reel: string;
  seq: number;
  attempt: number;
  /** The programmer's and the adapter's serials (the hub names hardware by serial, never by a station's row id). */
  programmer: string;
  site: number;
  adapter: string | null;
  startedAt: string;
  endedAt: string;
  result: 'pass' | 'fail' | 'interrupted';
  failureCode: string | null;
  stage: string | null;
  badBlocks: number;
  serial: string | null;
  /** The reel lease epoch the station recorded it under. */
  epoch: number;
  /** The run's operator, whether it was an engineering run, and the gangflash that recorded it (null before station schema 6; absent from older stations). */
  operator?: string | null;
  engineering?: boolean | null;
  gangflashVersion?: string | null;
}

/** A device's final result, as a station records it (its journal's device row) and uploads it. */
export interface FinishedDevice {
  lot: string;
  reel: string;
  seq: number;
  result: 'pass' | 'fail';
  failureCode: string | null;
  serial: string | null;
  finishedAt: string;
}

/** A device's final result as a station uploads it. */
export interface UploadedDevice extends FinishedDevice {
  /** The reel lease epoch the station recorded it under. */
  epoch: number;
}

/** A serial value that reached its end at a station (committed to a chip, or voided for ever), as the station uploads it. */
export interface UploadedValue {
  /** The serial rule's name. */
  rule: string;
  k: number;
  value: string;
  state: 'committed' | 'voided';
  lot: string | null;
  reel: string | null;
  seq: number | null;
  attempt: number | null;
  reason: string | null;
  /** The bytes each field wrote, as JSON text ([{name, text, writes: [{offset, hex}]}]) from the station's ledger. */
  fields?: string | null;
}

/** What a station sends in one upload. */
export interface UploadBatch {
  station: string;
  attempts: UploadedAttempt[];
  devices: UploadedDevice[];
  ledger: UploadedValue[];
}

/** What the hub did with a batch: new rows, rows it had already (a retry), and late rows from a fenced epoch. */
export interface UploadResult {
  attempts: { added: number; known: number; late: number };
  devices: { added: number; known: number; late: number; conflicts: number };
  ledger: { added: number; known: number };
}

/** A station as it introduces itself to the hub. */
export interface StationIdentity {
  name: string;
  /** The random id kept in the station's journal: one journal per station name. */
  journalId: string;
  host: string;
  pid: number;
}

/** A programmer of a station, as the station publishes it and the hub records it. */
export interface PublishedProgrammer {
  serial: string;
  name: string;
  driver: string;
  model: string;
  sites: number;
}

/** A site's state keyed by its programmer's serial, as the station publishes it. */
export interface SiteStateBySerial {
  /** The programmer's serial. */
  programmer: string;
  site: number;
  enabled: boolean;
  reason: string | null;
}

/** Where an adapter is: on a programmer's site of a station, or on a shelf (programmer null). */
export interface AdapterPlace {
  serial: string;
  adapterType: string;
  station: string | null;
  programmer: string | null;
  site: number | null;
  status: 'ok' | 'retired';
  /** When the station registered it (its journal's clock, ISO); the hub keeps the earliest it was told. */
  registeredAt?: string;
  /** Its socket as the station knows it: insertions before registration, when the current receptacle was fitted
   * (ISO, the station's clock), and an operator's permission to use it past its rated life. Kept when not told. */
  socket?: { priorInsertions: number; since: string; overrideLife: boolean };
}
