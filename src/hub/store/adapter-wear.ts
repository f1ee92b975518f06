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
  /** Attempts uploaded with it, from every station. */
  insertions: number;
  /** Rated insertions of its type in the hub's catalog snapshot; null when the snapshot lacks the type. */
  rated: number | null;
}

const S = {
  wear: {
    name: 'hub.adapters.wear',
    text: `WITH pn AS (SELECT serial, CASE WHEN count(*) OVER (PARTITION BY name) > 1 THEN station || '/' || name ELSE name END AS label FROM programmers)
           SELECT a.serial, a.adapter_type AS type, a.station, pn.label AS programmer, a.site, a.status AS stored, a.insertions::int AS insertions,
                  (t.doc->>'ratedInsertions')::int AS rated
             FROM adapters a LEFT JOIN adapter_types t ON t.id = a.adapter_type LEFT JOIN pn ON pn.serial = a.programmer
            ORDER BY a.serial COLLATE "C"`,
  },
} as const;

/** Every adapter on the hub with its place, insertions and rated life, by serial (bytewise, as a station sorts). */
export async function hubAdapterWear(hub: Hub): Promise<HubAdapterWear[]> {
  return hub.run(S.wear);
}
