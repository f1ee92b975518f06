import type { Hub } from '../connection.js';

/** One site of a station's programmer as the hub's dashboard draws it, with its last finished insertion. */
export interface HubFarmSite {
  /** The programmer's number on this hub (by serial): what the dashboard's live stream names it by. */
  id: number;
  serial: string;
  station: string;
  /** Its name as its station shows it; `STATION/NAME` when two stations use the name. */
  name: string;
  model: string;
  driver: string;
  site: number;
  enabled: boolean;
  disabledReason: string | null;
  lastResult: 'pass' | 'fail' | null;
  lastFailureCode: string | null;
  lastLot: string | null;
  lastEndedAt: string | null;
}

/** An adapter mounted on a station's programmer, with its type's size and life and its insertions uploaded. */
export interface HubMountedAdapter {
  serial: string;
  type: string;
  /** The programmer's serial and the first site it covers. */
  programmer: string;
  site: number;
  typeSites: number;
  rated: number;
  used: number;
  status: 'ok' | 'retired';
}

/** A finished insertion as the hub's live stream sends it (the station stream's fields, and its station). */
export interface HubLiveAttempt {
  id: string;
  station: string;
  lot: string;
  reel: string;
  seq: number;
  attempt: number;
  programmerId: number;
  programmer: string;
  site: number;
  adapter: string | null;
  result: 'pass' | 'fail';
  failureCode: string | null;
  stage: string | null;
  startedAt: string;
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

// Programmers with the number the dashboard knows them by and their name as their station shows it.
const PROGRAMMERS = `pn AS (SELECT serial, station, name, model, driver, sites, dense_rank() OVER (ORDER BY serial COLLATE "C")::int AS id,
                               CASE WHEN count(*) OVER (PARTITION BY name) > 1 THEN station || '/' || name ELSE name END AS label
                          FROM programmers)`;
const ISO = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const EVENT = `SELECT id::int AS id, ${ISO('at')} AS at, station, lot_id AS lot, kind, code, message FROM events`;

const S = {
  sites: {
    name: 'hub.farm.sites',
    text: `WITH ${PROGRAMMERS}
           SELECT pn.id, pn.serial, pn.station, pn.label AS name, pn.model, pn.driver, g.site, coalesce(s.enabled, true) AS enabled,
                  s.reason AS "disabledReason", la.result AS "lastResult", la.failure_code AS "lastFailureCode", la.lot_id AS "lastLot",
                  la.ended_at AS "lastEndedAt"
             FROM pn CROSS JOIN LATERAL generate_series(0, pn.sites - 1) AS g(site)
             LEFT JOIN sites s ON s.programmer = pn.serial AND s.site = g.site
             LEFT JOIN LATERAL (SELECT a.result, a.failure_code, a.lot_id, a.ended_at FROM attempts a
                                 WHERE a.programmer = pn.serial AND a.site = g.site AND a.result IN ('pass', 'fail')
                                 ORDER BY a.ended_at COLLATE "C" DESC LIMIT 1) la ON true
            ORDER BY pn.label COLLATE "C", g.site`,
  },
  mounted: {
    name: 'hub.farm.mounted',
    text: `SELECT a.serial, a.adapter_type AS type, a.programmer, a.site, coalesce((t.doc->>'sites')::int, 1) AS "typeSites",
                  (t.doc->>'ratedInsertions')::int AS rated, (a.prior_insertions + a.since_socket)::int AS used, a.status
             FROM adapters a JOIN adapter_types t ON t.id = a.adapter_type
            WHERE a.programmer IS NOT NULL AND a.site IS NOT NULL ORDER BY a.serial COLLATE "C"`,
  },
  uploadedSince: {
    name: 'hub.live.attempts',
    text: `WITH ${PROGRAMMERS}
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

/** Every site of every station's programmers, by programmer name and site, with its state and last finished insertion. */
export async function hubFarmSites(hub: Hub): Promise<HubFarmSite[]> {
  return hub.run(S.sites);
}

/** Every adapter mounted on a programmer, by serial. */
export async function hubMountedAdapters(hub: Hub): Promise<HubMountedAdapter[]> {
  return hub.run(S.mounted);
}

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
