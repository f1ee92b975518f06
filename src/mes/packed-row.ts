// A packed outbox row: every message of one recording transaction in one mes_outbox row, the unit messages stored as
// the fields that change between insertions (the format is in chipdb/migrations/010_mes_packed_rows.sql). The
// recording thread writes it (PackedRow); the publisher thread reads it back into whole messages (PackedReader),
// the same bytes on every read, so a resend is the same envelope.
import type { MesRunRow, OutboxRow } from '../store/outbox.js';
import * as m from './messages.js';
import { unitsPersonalizedText, unitsProcessedText, type InsertionFields } from './units-processed-text.js';
import { unitUniqueIds, type RunParts } from './unit-messages.js';

/** The message_name of a packed row. */
export const PACKED = 'packed';

/** Entry tags of the messages stored as their changing fields. */
const PROCESSED = 0;
const PERSONALIZED = 1;

/** One message of an outbox row, as the envelope needs it. */
export type OutboxMessage = Pick<OutboxRow, 'messageName' | 'uniqueId' | 'timeStamp' | 'body'>;

/**
 * The messages of one recording transaction, collected as text for one packed row. The row's TimeStamp is its first
 * message's; each message stores its own as milliseconds after it (0 for most), so a row may hold the attempts of a
 * whole cycle.
 */
export class PackedRow {
  private readonly parts: string[] = [];
  /** The first message's UniqueID (the row's unique_id). */
  first = '';
  /** The first message's TimeStamp (the row's time_stamp). */
  timeStamp = '';
  private baseMs = 0;

  /** `run`: the mes_runs id whose constant parts the unit messages take (0: none). */
  constructor(private readonly run: number) {}

  /** How many messages the row holds. */
  get size(): number {
    return this.parts.length;
  }

  /** Ms of `at` (whose time value is `ms`) after the row's TimeStamp; the first message sets it. */
  private offset(uniqueId: string, at: string, ms: number): number {
    if (this.parts.length > 0) return ms - this.baseMs;
    this.first = uniqueId;
    this.timeStamp = at;
    this.baseMs = ms;
    return 0;
  }

  /**
   * A UnitsProcessed at `at` (`ms` its time value), as its changing fields. gangflash wrote these between migrations
   * 010 and 011 (since 011 the publisher builds unit messages from the attempts row); kept as the format's writer, which
   * the reader's tests hold it to.
   */
  processed(uniqueId: string, at: string, ms: number, u: InsertionFields): void {
    const seconds = Math.round(u.durationSeconds * 1000) / 1000;
    const dt = this.offset(uniqueId, at, ms);
    this.parts.push(JSON.stringify([PROCESSED, uniqueId, dt, u.unit, u.programmer, u.site, u.adapter, u.attempt, seconds, u.badBlocks, u.failureCode, u.stage]));
  }

  /** A UnitsPersonalized at `at`, as its unit, site and the serial rule's fields (written between migrations 010 and 011, as above). */
  personalized(uniqueId: string, at: string, ms: number, unit: string, site: number, fields: { name: string; text: string }[]): void {
    const flat: string[] = [];
    for (const f of fields) flat.push(f.name, f.text);
    const dt = this.offset(uniqueId, at, ms);
    this.parts.push(JSON.stringify([PERSONALIZED, uniqueId, dt, unit, site, flat]));
  }

  /** Any message in full at `at`: its name and its MessageBody as JSON text. */
  full(name: m.CfxMessageName, uniqueId: string, at: string, ms: number, body: string): void {
    const dt = this.offset(uniqueId, at, ms);
    this.parts.push(`[${JSON.stringify(name)},${JSON.stringify(uniqueId)},${dt},${body}]`);
  }

  /** The row's body. */
  text(): string {
    return `[${this.run},${this.parts.join(',')}]`;
  }
}

type ProcessedEntry = [typeof PROCESSED, string, number | null, string, string, number, string | null, number, number | null, number | null, string | null, string | null];
type PersonalizedEntry = [typeof PERSONALIZED, string, number | null, string, number, string[]];
type FullEntry = [string, string, number | null, unknown];

/** Stands in for a run whose constant parts are missing (never written by gangflash: its rows are written after them). */
const UNKNOWN_RUN: MesRunRow = { transactionId: '00000000-0000-0000-0000-000000000000', recipe: '?', imageSha256: '' };

/** Reads outbox rows, single or packed, back into whole messages; keeps each run's constant parts once. */
export class PackedReader {
  private readonly runs = new Map<number, RunParts>();

  /** `lookup`: a run's constant parts by mes_runs id. */
  constructor(private readonly lookup: (id: number) => MesRunRow | undefined) {}

  /** A run's constant parts by its mes_runs id (read once). */
  run(id: number): RunParts {
    let r = this.runs.get(id);
    if (!r) {
      const c = this.lookup(id) ?? UNKNOWN_RUN;
      r = { transactionId: c.transactionId, processed: unitsProcessedText(c.transactionId, c.recipe, c.imageSha256), personalized: unitsPersonalizedText(c.transactionId), uniqueId: unitUniqueIds(c.transactionId) };
      this.runs.set(id, r);
    }
    return r;
  }

  /** The messages of one row in order (a single row is one message). */
  messages(row: OutboxRow): OutboxMessage[] {
    if (row.messageName !== PACKED) return [row];
    const [runId, ...entries] = JSON.parse(row.body) as [number, ...(ProcessedEntry | PersonalizedEntry | FullEntry)[]];
    const base = Date.parse(row.timeStamp);
    // The same text on every read: an offset of 0 is the row's own TimeStamp, others are rebuilt from it.
    const at = (dt: number | null) => (dt === 0 || dt === null || !Number.isFinite(base + dt) ? row.timeStamp : new Date(base + dt).toISOString());
    return entries.map((e): OutboxMessage => {
      if (e[0] === PROCESSED) {
        const [, uniqueId, dt, unit, programmer, site, adapter, attempt, seconds, badBlocks, failureCode, stage] = e;
        const body = this.run(runId).processed({ unit, programmer, site, adapter, attempt, durationSeconds: seconds ?? NaN, badBlocks: badBlocks ?? NaN, failureCode, stage });
        return { messageName: m.CFX.unitsProcessed, uniqueId, timeStamp: at(dt), body };
      }
      if (e[0] === PERSONALIZED) {
        const [, uniqueId, dt, unit, site, flat] = e;
        const fields: { name: string; text: string }[] = [];
        for (let i = 0; i + 1 < flat.length; i += 2) fields.push({ name: flat[i], text: flat[i + 1] });
        return { messageName: m.CFX.unitsPersonalized, uniqueId, timeStamp: at(dt), body: JSON.stringify(m.unitsPersonalized(this.run(runId).transactionId, unit, site, fields)) };
      }
      const [name, uniqueId, dt, body] = e as FullEntry;
      return { messageName: name, uniqueId, timeStamp: at(dt), body: JSON.stringify(body) };
    });
  }
}
