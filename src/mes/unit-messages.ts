// The CFX unit messages of one insertion, built on the publisher thread from its attempts row
// (chipdb/migrations/011_mes_units_from_attempts.sql): the recording thread writes nothing for them but the row it
// writes anyway. The same row gives the same envelopes on every read, so a resend is byte-identical.
import type { MesUnitRow } from '../store/mes-units.js';
import * as m from './messages.js';
import type { OutboxMessage } from './packed-row.js';
import type { InsertionFields } from './units-processed-text.js';

/** Which of an insertion's messages a UniqueID names. */
export const UNIT_KIND = { processed: 0, personalized: 1, disqualified: 2 } as const;

/** A run's constant parts as the unit messages need them. */
export interface RunParts {
  transactionId: string;
  /** The UnitsProcessed body of one of the run's insertions, as JSON text. */
  processed: (u: InsertionFields) => string;
  /** The UnitsPersonalized body of one of the run's devices, as JSON text. */
  personalized: (unit: string, site: number, fields: readonly { name: string; text: string }[]) => string;
  /** The UniqueID of one of the run's insertion messages (unitUniqueId with the run's part made once). */
  uniqueId: (attemptId: number, kind: number) => string;
}

/**
 * The UniqueID of one of an insertion's messages: an RFC 9562 version-8 UUID made of 60 bits of its run's random
 * TransactionID, the kind of message and the attempt's id (unique in the station's database), so every read of the
 * row names the message alike and no two messages share one (a random v4 UUID never has version 8).
 */
export function unitUniqueId(transactionId: string, attemptId: number, kind: number): string {
  return unitUniqueIds(transactionId)(attemptId, kind);
}

/** unitUniqueId of one run, its TransactionID's part made once. */
export function unitUniqueIds(transactionId: string): (attemptId: number, kind: number) => string {
  const t = transactionId.replace(/-/g, '');
  const head = `${t.slice(0, 8)}-${t.slice(8, 12)}-8${t.slice(13, 16)}-`;
  return (attemptId, kind) => {
    const id = attemptId.toString(16).padStart(15, '0');
    return `${head}${(8 + kind).toString(16)}${id.slice(0, 3)}-${id.slice(3)}`;
  };
}

/** Whether an attempts row has unit messages: it finished (passed or failed) in a run that published. */
export function hasUnitMessages(r: MesUnitRow): r is MesUnitRow & { mesRun: number; endedAt: string } {
  return r.mesRun !== null && r.endedAt !== null && (r.result === 'pass' || r.result === 'fail');
}

/** The fields a passed device's serial rule wrote, from its ledger value (or the serial alone). */
function personalization(r: MesUnitRow): { name: string; text: string }[] {
  if (r.serialData !== null) {
    const fields = JSON.parse(r.serialData) as { name: string; text: string }[];
    return fields.map((f) => ({ name: f.name, text: f.text }));
  }
  return [{ name: 'SerialNumber', text: r.serial as string }];
}

/**
 * The messages of a finished insertion, in order: its UnitsProcessed and, when it was the device's last, the
 * device's UnitsDisqualified (failed) or UnitsPersonalized (passed with a serial value); none for an insertion that
 * did not finish or whose run did not publish.
 */
export function unitMessages(r: MesUnitRow, run: (mesRun: number) => RunParts): OutboxMessage[] {
  if (!hasUnitMessages(r)) return [];
  const parts = run(r.mesRun);
  const at = r.endedAt;
  const unit = m.unitIdentifier(r, r.serial);
  const seconds = (Date.parse(at) - Date.parse(r.startedAt)) / 1000;
  const out: OutboxMessage[] = [
    {
      messageName: m.CFX.unitsProcessed,
      uniqueId: parts.uniqueId(r.id, UNIT_KIND.processed),
      timeStamp: at,
      body: parts.processed({ unit, programmer: r.programmer, site: r.site, adapter: r.adapter, attempt: r.attempt, durationSeconds: seconds, badBlocks: r.badBlocks, failureCode: r.failureCode, stage: r.stage }),
    },
  ];
  if (r.final !== 1) return out;
  if (r.failureCode !== null)
    out.push({
      messageName: m.CFX.unitsDisqualified,
      uniqueId: parts.uniqueId(r.id, UNIT_KIND.disqualified),
      timeStamp: at,
      body: JSON.stringify(m.unitsDisqualified(parts.transactionId, unit, r.site, r.failureCode, r.stage)),
    });
  else if (r.serial !== null)
    out.push({
      messageName: m.CFX.unitsPersonalized,
      uniqueId: parts.uniqueId(r.id, UNIT_KIND.personalized),
      timeStamp: at,
      body: parts.personalized(unit, r.site, personalization(r)),
    });
  return out;
}
