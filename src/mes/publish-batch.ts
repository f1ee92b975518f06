// One batch of the publisher: the outbox's pending rows and the insertions not yet published, merged into one list
// in TimeStamp order, and how far each of the two is published once the sink accepted the whole list.
import type { OutboxRow } from '../store/outbox.js';
import type { MesUnitRow, UnitCursor } from '../store/mes-units.js';
import type { OutboxMessage, PackedReader } from './packed-row.js';
import { hasUnitMessages, unitMessages } from './unit-messages.js';

/** What one batch reads: both sources, each with whether it was cut at its limit (more may follow). */
export interface BatchInput {
  rows: readonly OutboxRow[];
  rowsFull: boolean;
  cursor: UnitCursor;
  /** The attempts named in `cursor.open`, as they are now. */
  open: readonly MesUnitRow[];
  /** Attempts above `cursor.through`, in id order. */
  fresh: readonly MesUnitRow[];
  freshFull: boolean;
}

/** The batch to send and where the cursors go once all of it is accepted. */
export interface Batch {
  messages: OutboxMessage[];
  /** The last outbox row taken (null: none). */
  sentThrough: number | null;
  units: UnitCursor;
  /** Whether a source was cut at its limit: more waits, look again at once. */
  more: boolean;
  /** Messages the outbox rows read hold (a packed row holds several): sizes the next read. */
  outboxRead: number;
}

/**
 * Merges a batch, in TimeStamp order (an insertion's messages before an outbox message of the same instant: a reel's
 * MaterialsConsumed follows its last device). Every attempt read is passed: one still in its socket is kept open, and
 * so is one that must wait for an older outbox message not sent yet. An outbox message waits while attempts not read
 * yet may have ended before it (one not read entered its socket after the last one read: it cannot have ended before
 * that one started); an insertion waits while outbox messages not read yet may be older than it. So nothing goes out
 * before an older message already recorded, but an insertion that was in its socket when a later message went.
 */
export function mergeBatch(input: BatchInput, reader: PackedReader): Batch {
  const run = (id: number) => reader.run(id);
  const outbox: { msg: OutboxMessage; rowEnd: number | null }[] = [];
  for (const row of input.rows) {
    const list = reader.messages(row);
    list.forEach((msg, i) => outbox.push({ msg, rowEnd: i === list.length - 1 ? row.id : null }));
  }
  const fresh = input.fresh;
  const horizon = input.freshFull && fresh.length > 0 ? fresh[fresh.length - 1].startedAt : null;
  let taken = 0;
  while (taken < outbox.length && (horizon === null || outbox[taken].msg.timeStamp < horizon)) taken++;
  // The latest an insertion's messages may be and still go now.
  const limit = taken < outbox.length ? outbox[taken].msg.timeStamp : input.rowsFull && outbox.length > 0 ? outbox[outbox.length - 1].msg.timeStamp : null;

  const open = new Set<number>();
  const units: OutboxMessage[] = [];
  const take = (r: MesUnitRow) => {
    if (r.result === 'in-socket') open.add(r.id);
    else if (limit !== null && hasUnitMessages(r) && r.endedAt > limit) open.add(r.id);
    else units.push(...unitMessages(r, run));
  };
  // An id in the cursor that is no longer a row (never expected) is not in `input.open`: it is dropped, not waited for.
  for (const r of input.open) take(r);
  for (const r of fresh) take(r);
  let sentThrough: number | null = null;
  for (let i = 0; i < taken; i++) if (outbox[i].rowEnd !== null) sentThrough = outbox[i].rowEnd;
  // A stable sort by TimeStamp: each source keeps its own order within an instant, insertions first.
  const messages = [...units, ...outbox.slice(0, taken).map((x) => x.msg)];
  const unitCount = units.length;
  const order = messages.map((_, i) => i).sort((a, b) => {
    const ta = messages[a].timeStamp;
    const tb = messages[b].timeStamp;
    if (ta !== tb) return ta < tb ? -1 : 1;
    return (a < unitCount ? 0 : 1) - (b < unitCount ? 0 : 1) || a - b;
  });
  // A row cut in the middle of its messages is sent again whole next time (its messages taken now go again, as the
  // same UniqueIDs): `sentThrough` stays before it.
  return {
    messages: order.map((i) => messages[i]),
    sentThrough,
    units: { through: fresh.length > 0 ? fresh[fresh.length - 1].id : input.cursor.through, open: [...open].sort((a, b) => a - b) },
    more: input.rowsFull || input.freshFull,
    outboxRead: outbox.length,
  };
}
