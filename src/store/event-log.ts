import type { Db } from '../db/open.js';
import { statements } from './statements.js';

/** One recorded event (alarm or audit) with its programmer and adapter named. */
export interface EventRow {
  id: number;
  at: string;
  lot: string | null;
  kind: 'alarm' | 'audit';
  code: string;
  programmer: string | null;
  site: number | null;
  adapter: string | null;
  message: string;
}

/** Which events to read. */
export interface EventFilter {
  /** Only events of this lot. */
  lot?: string;
  /** Only events at or after this ISO time. */
  since?: string;
  /** Only this kind. */
  kind?: 'alarm' | 'audit';
  /** The newest N (still printed oldest first). @default 1000 */
  limit?: number;
}

/** The recorded events matching `f`, oldest first (newest last); reads at most `limit` rows, newest ones. */
export function listEvents(db: Db, f: EventFilter = {}): EventRow[] {
  const rows = db
    .prepare(
      `SELECT e.id, e.at, e.lot_id AS lot, e.kind, e.code, p.name AS programmer, e.site, a.serial AS adapter, e.message
       FROM events e LEFT JOIN programmers p ON p.id = e.programmer_id LEFT JOIN adapters a ON a.id = e.adapter_id
       WHERE (@lot IS NULL OR e.lot_id = @lot) AND (@since IS NULL OR e.at >= @since) AND (@kind IS NULL OR e.kind = @kind)
       ORDER BY e.id DESC LIMIT @limit`,
    )
    .all({ lot: f.lot ?? null, since: f.since ?? null, kind: f.kind ?? null, limit: f.limit ?? 1000 }) as EventRow[];
  return rows.reverse();
}

/** An event to record: an alarm of a run, or an audit of an operator's or a command's change. */
export interface NewEvent {
  kind: 'alarm' | 'audit';
  code: string;
  message: string;
  lot?: string | null;
  programmerId?: number | null;
  site?: number | null;
  adapterId?: number | null;
  /** Who did it (operator or engineer). @default null */
  actor?: string | null;
}

const FAMILY = {};

/** Records one event; returns its row id (an alarm's CFX FaultOccurrenceId is derived from it). */
export function insertEvent(db: Db, e: NewEvent): number {
  return Number(
    statements(db, FAMILY, (d) => d.prepare('INSERT INTO events (lot_id, kind, code, programmer_id, site, adapter_id, message, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'))
      .run(e.lot ?? null, e.kind, e.code, e.programmerId ?? null, e.site ?? null, e.adapterId ?? null, e.message, e.actor ?? null).lastInsertRowid,
  );
}
