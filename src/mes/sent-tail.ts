import type { Db } from '../db/open.js';
import type { OutboxStore } from '../store/outbox.js';
import { sentUnitRows, sentUnitsStart, unitCursor, unitRowsByIds } from '../store/mes-units.js';
import { PackedReader, type OutboxMessage } from './packed-row.js';
import { hasUnitMessages, unitMessages } from './unit-messages.js';
import { wireOf } from './envelope.js';

/** Rows read per look at either source. */
const PAGE = 1000;

/**
 * The envelopes published last, as `mes tail` prints them: the outbox's sent messages and the unit messages of the
 * published insertions, merged in TimeStamp order. `next()` returns what was published since the last call.
 */
export class SentTail {
  private readonly reader: PackedReader;
  private outboxAfter: number;
  private unitsAfter: number;
  /** Insertions at or below unitsAfter still in their socket when the publisher passed them: printed once published. */
  private open: number[];

  /** Starts `lines` messages back from the newest of each source. */
  constructor(private readonly db: Db, private readonly store: OutboxStore, private readonly handle: string, private readonly target: string | null, lines: number) {
    this.reader = new PackedReader((id) => store.mesRun(id));
    // A row of k messages takes k ids (packed rows), so the last n messages lie in rows after id sent-n.
    this.outboxAfter = Math.max(0, store.lastSentId() - lines);
    this.unitsAfter = sentUnitsStart(db, lines);
    this.open = unitCursor(db).open.filter((id) => id <= this.unitsAfter);
  }

  /** The envelopes' text published since the last call (at most `last` of the newest), oldest first. */
  next(last = Infinity): string[] {
    const msgs: OutboxMessage[] = [];
    for (const r of this.store.sentSince(this.outboxAfter, PAGE)) {
      msgs.push(...this.reader.messages(r));
      this.outboxAfter = r.id;
    }
    // One read of the publisher's cursor for the whole look: what it passes meanwhile is printed by the next look.
    const cursor = unitCursor(this.db);
    const stillOpen = new Set(cursor.open);
    const published = this.open.filter((id) => id <= cursor.through && !stillOpen.has(id));
    for (const r of unitRowsByIds(this.db, published)) if (hasUnitMessages(r)) msgs.push(...unitMessages(r, (id) => this.reader.run(id)));
    const from = this.unitsAfter;
    for (const r of sentUnitRows(this.db, this.unitsAfter, PAGE, cursor)) {
      msgs.push(...unitMessages(r, (id) => this.reader.run(id)));
      this.unitsAfter = r.id;
    }
    this.open = [...this.open.filter((id) => !published.includes(id)), ...cursor.open.filter((id) => id > from && id <= this.unitsAfter)];
    // A stable sort: each source stays in its own order within one instant.
    msgs.sort((a, b) => (a.timeStamp < b.timeStamp ? -1 : a.timeStamp > b.timeStamp ? 1 : 0));
    return msgs.slice(Math.max(0, msgs.length - last)).map((m) => wireOf(m, this.handle, this.target).text);
  }
}
