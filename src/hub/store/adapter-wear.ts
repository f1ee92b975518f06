import type { Hub } from '../connection.js';

/** An adapter as the hub knows it: where it is (its programmer by name), its stored status, insertions and rated life. */
export interface HubAdapterWear {
  serial: string;
  type: string;
  station: string | null;
  /** The programmer's name (prefixed with its station when two stations use the name); null on a shelf. */
  programmer: string | null;
  site: number | null;
  stored: 'ok' | 'retired';
  /** Insertions on its current socket receptacle: prior insertions and the attempts uploaded with it since (every station). */
  insertions: number;
  /** An operator allowed its use past its rated life (as its station reported). */
  overrideLife: boolean;
  /** Rated insertions of its type in the hub's catalog snapshot; null when the snapshot lacks the type. */
  rated: number | null;
}

const S = {
  wear: {
    name: 'hub.adapters.wear',
    text: `WITH pn AS (SELECT serial, CASE WHEN count(*) OVER (PARTITION BY name) > 1 THEN station || '/' || name ELSE name END AS label FROM programmers)
           SELECT a.serial, a.adapter_type AS type, a.station, pn.label AS programmer, a.site, a.status AS stored, (a.prior_insertions + a.since_socket)::int AS insertions, a.override_life AS "overrideLife",
                  (t.doc->>'ratedInsertions')::int AS rated
             FROM adapters a LEFT JOIN adapter_types t ON t.id = a.adapter_type LEFT JOIN pn ON pn.serial = a.programmer
            ORDER BY a.serial COLLATE "C"`,
  },
} as const;

/** Every adapter on the hub with its place, insertions and rated life, by serial (bytewise, as a station sorts). */
export async function hubAdapterWear(hub: Hub): Promise<HubAdapterWear[]> {
  return hub.run(S.wear);
}

/** Insertions one adapter saw within a window of days on the hub (every station), and when it was registered. */
export interface HubAdapterWindow {
  serial: string;
  /** When its station registered it (ISO); the hub's first sighting for adapters reported before that was kept. */
  created: string;
  n: number;
}

const W = {
  window: {
    name: 'hub.adapters.window',
    // A day is the UTC date of the insertion's start, as the station's day totals count it.
    text: `SELECT a.serial,
                  coalesce(a.registered_at, to_char((SELECT min(h.at) FROM adapter_history h WHERE h.serial = a.serial) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) AS created,
                  (SELECT count(*)::int FROM attempts x WHERE x.adapter = a.serial
                      AND substr(x.started_at, 1, 10) COLLATE "C" >= $1 AND substr(x.started_at, 1, 10) COLLATE "C" < $2) AS n
             FROM adapters a`,
  },
} as const;

/** Every adapter's insertions uploaded for the UTC days from `fromDay` up to, not including, `today` (YYYY-MM-DD). */
export async function hubAdapterInsertionsInWindow(hub: Hub, fromDay: string, today: string): Promise<HubAdapterWindow[]> {
  return hub.run(W.window, [fromDay, today]);
}
