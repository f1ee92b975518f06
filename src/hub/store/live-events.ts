import type { Hub } from '../connection.js';
import { PROGRAMMER_NUMBERS } from './programmer-numbers.js';
import type { LiveAttempt } from '../../records/live-attempt.js';

/** A finished insertion as the hub's live stream sends it (the station stream's fields, and its station). */
export interface HubLiveAttempt extends LiveAttempt {
  /** The id the station uploaded it under. */
  id: string;
  station: string;
  endedAt: string;
  /** When the hub recorded it (ISO, the hub's clock). */
  uploadedAt: string;
}

/** An event (alarm or audit) of a station or of the hub itself. */
export interface HubEvent {
  id: number;
  at: string;
  station: string | null;
  lot: string | null;
  kind: string;
  code: string;
  message: string;
}

const ISO = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const EVENT = `SELECT id::int AS id, ${ISO('at')} AS at, station, lot_id AS lot, kind, code, message FROM events`;

const S = {
  uploadedSince: {
    name: 'hub.live.attempts',
    text: `WITH ${PROGRAMMER_NUMBERS}
           SELECT a.id::text AS id, a.station, a.lot_id AS lot, a.reel_id AS reel, a.seq, a.attempt, coalesce(pn.id, 0) AS "programmerId",
                  coalesce(pn.label, a.programmer) AS programmer, a.site, a.adapter, a.result, a.failure_code AS "failureCode", a.stage,
                  a.started_at AS "startedAt", a.ended_at AS "endedAt", ${ISO('a.uploaded_at')} AS "uploadedAt"
             FROM attempts a LEFT JOIN pn ON pn.serial = a.programmer
            WHERE a.uploaded_at >= $1::timestamptz AND a.result IN ('pass', 'fail')
            ORDER BY a.uploaded_at, a.ended_at COLLATE "C", a.lot_id COLLATE "C", a.reel_id COLLATE "C", a.seq, a.attempt LIMIT $2`,
  },
  now: { name: 'hub.live.now', text: `SELECT ${ISO('now()')} AS now, coalesce((SELECT max(id) FROM events), 0)::int AS "topEvent"` },
  eventsAfter: { name: 'hub.live.events', text: `${EVENT} WHERE id > $1 ORDER BY id LIMIT $2` },
  recentEvents: { name: 'hub.events.recent', text: `${EVENT} ORDER BY id DESC LIMIT $1` },
} as const;

/** The hub's clock now (ISO) and its newest event's id: where a live stream starts. */
export async function hubLiveMarks(hub: Hub): Promise<{ now: string; topEvent: number }> {
  return (await hub.run<{ now: string; topEvent: number }>(S.now))[0];
}

/** Finished insertions the hub recorded at or after `since` (ISO, the hub's clock), oldest first, at most `limit`. */
export async function hubAttemptsUploadedSince(hub: Hub, since: string, limit: number): Promise<HubLiveAttempt[]> {
  return hub.run(S.uploadedSince, [since, limit]);
}

/** Events after id `after`, oldest first, at most `limit`. */
export async function hubEventsAfter(hub: Hub, after: number, limit: number): Promise<HubEvent[]> {
  return hub.run(S.eventsAfter, [after, limit]);
}

/** The newest `limit` events, newest first. */
export async function hubRecentEvents(hub: Hub, limit: number): Promise<HubEvent[]> {
  return hub.run(S.recentEvents, [limit]);
}
