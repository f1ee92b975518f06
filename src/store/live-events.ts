import type { Db } from '../db/open.js';
import { statements } from './statements.js';
import type { LiveAttempt } from '../records/live-attempt.js';

/** A finished insertion as the dashboard's live stream sends it, named by its attempt row id. */
export interface LiveAttemptRow extends LiveAttempt {
  id: number;
}

/** An events row as stored (alarm or audit), column names as in the table. */
export interface LiveEventRow {
  id: number;
  lot_id: string | null;
  [column: string]: unknown;
}

/** A lot's planned, passed and failed devices as the live stream sends them. */
export interface LiveLotRow {
  lot: string;
  status: string;
  planned: number;
  passed: number;
  failed: number;
}

const FAMILY = { name: 'live-events' };

const prepare = (db: Db) => ({
  topAttempt: db.prepare('SELECT coalesce(max(id), 0) FROM attempts').pluck(),
  topEvent: db.prepare('SELECT coalesce(max(id), 0) AS n FROM events').pluck(),
  oldestOpen: db.prepare("SELECT min(id) FROM attempts WHERE id > ? AND result = 'in-socket'").pluck(),
  attempts: db.prepare(
    `SELECT a.id, a.lot_id AS lot, a.reel_id AS reel, a.seq, a.attempt, a.programmer_id AS programmerId, p.name AS programmer,
            a.site, ad.serial AS adapter, a.result, a.failure_code AS failureCode, a.stage, a.started_at AS startedAt, a.ended_at AS endedAt
       FROM attempts a JOIN programmers p ON p.id = a.programmer_id LEFT JOIN adapters ad ON ad.id = a.adapter_id
      WHERE a.id > ? AND a.id <= ? AND a.result IN ('pass', 'fail') ORDER BY a.id LIMIT ?`,
  ),
  events: db.prepare('SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?'),
  lot: db.prepare(
    `SELECT l.id AS lot, l.status, (SELECT coalesce(sum(quantity), 0) FROM reels r WHERE r.lot_id = l.id) AS planned,
            (SELECT count(*) FROM devices d WHERE d.lot_id = l.id AND d.result = 'pass') AS passed,
            (SELECT count(*) FROM devices d WHERE d.lot_id = l.id AND d.result = 'fail') AS failed
       FROM lots l WHERE l.id = ?`,
  ),
});

/** The newest attempt id (0 in an empty database). */
export function topAttemptId(db: Db): number {
  return statements(db, FAMILY, prepare).topAttempt.get() as number;
}

/** The newest event id (0 in an empty database). */
export function topEventId(db: Db): number {
  return statements(db, FAMILY, prepare).topEvent.get() as number;
}

/** The oldest attempt above `after` still in a socket, or null. */
export function oldestOpenAttemptAfter(db: Db, after: number): number | null {
  return statements(db, FAMILY, prepare).oldestOpen.get(after) as number | null;
}

/** Finished attempts with ids in (after, through], oldest first, at most `limit`. */
export function finishedAttemptsBetween(db: Db, after: number, through: number, limit: number): LiveAttemptRow[] {
  return statements(db, FAMILY, prepare).attempts.all(after, through, limit) as LiveAttemptRow[];
}

/** Events with ids above `after`, oldest first, at most `limit`. */
export function eventsAfter(db: Db, after: number, limit: number): LiveEventRow[] {
  return statements(db, FAMILY, prepare).events.all(after, limit) as LiveEventRow[];
}

/** A lot's status and device counts, or undefined when there is no such lot. */
export function liveLot(db: Db, lot: string): LiveLotRow | undefined {
  return statements(db, FAMILY, prepare).lot.get(lot) as LiveLotRow | undefined;
}
