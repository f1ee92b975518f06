import type { Hub } from '../connection.js';
import { PROGRAMMER_NUMBERS } from './programmer-numbers.js';

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

const S = {
  sites: {
    name: 'hub.farm.sites',
    text: `WITH ${PROGRAMMER_NUMBERS}
           SELECT pn.id, pn.serial, pn.station, pn.label AS name, pn.model, pn.driver, g.site, coalesce(s.enabled, true) AS enabled,
                  s.reason AS "disabledReason", la.result AS "lastResult", la.failure_code AS "lastFailureCode", la.lot_id AS "lastLot",
                  la.ended_at AS "lastEndedAt"
             FROM pn CROSS JOIN LATERAL generate_series(0, pn.sites - 1) AS g(site)
             LEFT JOIN sites s ON s.programmer = pn.serial AND s.site = g.site
             LEFT JOIN LATERAL (SELECT a.result, a.failure_code, a.lot_id, a.ended_at FROM attempts a
                                 WHERE a.programmer = pn.serial AND a.site = g.site AND a.result IN ('pass', 'fail')
                                 ORDER BY a.ended_at COLLATE "C" DESC LIMIT 1) la ON true
            ORDER BY pn.label COLLATE "C", pn.serial COLLATE "C", g.site`,
  },
  mounted: {
    name: 'hub.farm.mounted',
    text: `SELECT a.serial, a.adapter_type AS type, a.programmer, a.site, coalesce((t.doc->>'sites')::int, 1) AS "typeSites",
                  (t.doc->>'ratedInsertions')::int AS rated, (a.prior_insertions + a.since_socket)::int AS used, a.status
             FROM adapters a JOIN adapter_types t ON t.id = a.adapter_type
            WHERE a.programmer IS NOT NULL AND a.site IS NOT NULL ORDER BY a.serial COLLATE "C"`,
  },
} as const;

/** Every site of every station's programmers, by programmer name and site, with its state and last finished insertion. */
export async function hubFarmSites(hub: Hub): Promise<HubFarmSite[]> {
  return hub.run(S.sites);
}

/** Every adapter mounted on a programmer, by serial. */
export async function hubMountedAdapters(hub: Hub): Promise<HubMountedAdapter[]> {
  return hub.run(S.mounted);
}
