// One batch of the publisher: the outbox's pending rows and the insertions not yet published, merged into one list
// in TimeStamp order, and how far each of the two is published once the sink accepted the whole list.
import type { OutboxRow } from '../store/outbox.js';
import type { MesUnitRow, UnitCursor } from '../store/mes-units.js';
import type { OutboxMessage, PackedReader } from './packed-row.js';
import { unitMessages } from './unit-messages.js';

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
 * Merges a batch. Insertions that finished since they were passed open go first (they are older than anything
 * else); then outbox messages and fresh insertions by TimeStamp (an insertion before an outbox message of the same
 * instant: a reel's MaterialsConsumed follows its last device). The merge stops where a source that was cut at its
 * limit runs out, so nothing later than what is left unread goes out before it; a source that was not cut is read
 * to its end. Fresh insertions still in their socket are passed and kept open.
 */
export function mergeBatch(input: BatchInput, reader: PackedReader): Batch {
  const messages: OutboxMessage[] = [];
  const run = (id: number) => reader.run(id);
  const open = new Set(input.cursor.open);
  for (const r of input.open) {
    if (r.result === 'in-socket') continue;
    open.delete(r.id);
    messages.push(...unitMessages(r, run));
  }
  // An id in the cursor that is no longer a row (never expected) is dropped, not waited for.
  const present = new Set(input.open.map((r) => r.id));
  for (const id of open) if (!present.has(id)) open.delete(id);

  const outbox: { msg: OutboxMessage; rowEnd: number | null }[] = [];
  for (const row of input.rows) {
    const list = reader.messages(row);
    list.forEach((msg, i) => outbox.push({ msg, rowEnd: i === list.length - 1 ? row.id : null }));
  }
  let sentThrough: number | null = null;
  let through = input.cursor.through;
  let o = 0;
  let f = 0;
  const fresh = input.fresh;
  for (;;) {
    // An attempt without messages (in its socket, interrupted, its run did not publish) is passed at once.
    while (f < fresh.length && (fresh[f].endedAt === null || fresh[f].result === 'in-socket' || fresh[f].result === 'interrupted' || fresh[f].mesRun === null)) {
      if (fresh[f].result === 'in-socket') open.add(fresh[f].id);
      through = fresh[f++].id;
    }
    const oEnd = o >= outbox.length;
    const fEnd = f >= fresh.length;
    if ((oEnd && (input.rowsFull || fEnd)) || (fEnd && input.freshFull)) break;
    const takeUnit = oEnd || (!fEnd && (fresh[f].endedAt as string) <= outbox[o].msg.timeStamp);
    if (takeUnit) {
      messages.push(...unitMessages(fresh[f], run));
      through = fresh[f++].id;
    } else {
      const x = outbox[o++];
      messages.push(x.msg);
      if (x.rowEnd !== null) sentThrough = x.rowEnd;
    }
  }
  // A row cut in the middle of its messages is sent again whole next time: its messages already taken stay, as the
  // same UniqueIDs, and the row's end was not reached, so `sentThrough` stays before it.
  return { messages, sentThrough, units: { through, open: [...open].sort((a, b) => a - b) }, more: input.rowsFull || input.freshFull, outboxRead: outbox.length };
}
