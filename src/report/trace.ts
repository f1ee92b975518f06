import type { Db } from '../db/open.js';
import { JobError } from '../errors.js';
import { traceOf, type TraceStore } from '../store/trace.js';
import type { TraceAttemptRow, TraceDeviceRow, TraceLedgerRow, WrittenField } from '../records/trace-rows.js';

/** One serial value as the trace shows it: rule, state, and every field with the bytes it wrote. */
export interface TracedValue {
  rule: string;
  value: string;
  state: string;
  reason: string | null;
  attempt: number | null;
  at: string;
  fields: WrittenField[];
}

/** The device row's fields that a traced device gathers into `job` and `image`. */
type Gathered = 'jobId' | 'jobName' | 'jobVersion' | 'imageSha256' | 'imagePath';

/**
 * Everything a rework engineer needs about one device, from either engine: its row `R` (the hub's adds the station
 * that uploaded it) with job and image gathered, every serial value it ever held, and its insertions `A`.
 */
export type Traced<R extends TraceDeviceRow, A extends TraceAttemptRow> = Omit<R, Gathered> & {
  job: { id: number; name: string; version: number };
  image: { sha256: string; path: string | null };
  /** Every serial value the device ever held, in issue order (voided ones included). */
  serials: TracedValue[];
  attempts: A[];
};

/** A device as a station's journal traces it. */
export type TracedDevice = Traced<TraceDeviceRow, TraceAttemptRow>;

/** The answer of `gangflash trace`: the devices found, and ledger rows of the value that name no device. */
export interface TraceResult {
  query: { serial?: string; device?: string };
  devices: TracedDevice[];
  /** Ledger rows of the value that hold no device now (a value returned to its rule's pool). */
  unheld: TracedValue[];
}

/** A ledger row of either engine as the trace shows it (a value uploaded before hub schema 3 shows no fields). */
export function tracedValue(r: TraceLedgerRow): TracedValue {
  return { rule: r.rule, value: r.value, state: r.state, reason: r.reason, attempt: r.attempt, at: r.at, fields: r.fields ?? [] };
}

/** A device row of either engine, its ledger rows and its insertions, as one traced device. */
export function tracedDevice<R extends TraceDeviceRow, A extends TraceAttemptRow>(row: R, ledger: TraceLedgerRow[], attempts: A[]): Traced<R, A> {
  const { jobId, jobName, jobVersion, imageSha256, imagePath, ...rest } = row;
  return {
    ...rest,
    job: { id: jobId, name: jobName, version: jobVersion },
    image: { sha256: imageSha256, path: imagePath },
    serials: ledger.map(tracedValue),
    attempts,
  };
}

/** The device positions a serial value leads to: those its ledger rows name, then those that held it (each once). */
export function positionsOf(ledger: TraceLedgerRow[], held: { lot: string; reel: string; seq: number }[]): { lot: string; reel: string; seq: number }[] {
  const keys = new Map<string, { lot: string; reel: string; seq: number }>();
  for (const r of ledger) if (r.lot !== null && r.reel !== null && r.seq !== null) keys.set(`${r.lot}\u0000${r.reel}\u0000${r.seq}`, { lot: r.lot, reel: r.reel, seq: r.seq });
  for (const d of held) keys.set(`${d.lot}\u0000${d.reel}\u0000${d.seq}`, d);
  return [...keys.values()];
}

function device(store: TraceStore, lot: string, reel: string, seq: number): TracedDevice | undefined {
  const d = store.device(lot, reel, seq);
  if (!d || !store.reelHolds(lot, reel, seq)) return undefined;
  return tracedDevice(d, store.ledgerOfDevice(lot, reel, seq), store.attempts(lot, reel, seq));
}

/** Parses `LOT:REEL:SEQ` (the lot may itself hold colons; REEL and SEQ are the last two parts). */
export function parseDeviceRef(text: string): { lot: string; reel: string; seq: number } {
  const m = /^(.+):([^:]+):(\d{1,9})$/.exec(text);
  if (!m) throw new JobError('device-ref', `--device ${text}: expected LOT:REEL:SEQ, e.g. L2447-01:R1:17`);
  return { lot: m[1], reel: m[2], seq: Number(m[3]) };
}

/** Traces a serial value to every device that held it, with their whole history. */
export function traceSerial(db: Db, value: string): TraceResult {
  const store = traceOf(db);
  const ledger = store.ledgerOfValue(value);
  const devices = positionsOf(ledger, store.devicesOfSerial(value)).map((k) => device(store, k.lot, k.reel, k.seq)).filter((d): d is TracedDevice => d !== undefined);
  const unheld = ledger.filter((r) => r.lot === null).map(tracedValue);
  if (devices.length === 0 && unheld.length === 0) throw new JobError('trace-not-found', `serial ${value} was never issued or written by this database; check the value (it is matched exactly)`);
  return { query: { serial: value }, devices, unheld };
}

/** Traces one device by its lot, reel and position. */
export function traceDevice(db: Db, ref: string): TraceResult {
  const { lot, reel, seq } = parseDeviceRef(ref);
  const d = device(traceOf(db), lot, reel, seq);
  if (!d) throw new JobError('trace-not-found', `no device ${lot}:${reel}:${seq}: the lot, the reel or that position does not exist`);
  return { query: { device: ref }, devices: [d], unheld: [] };
}
