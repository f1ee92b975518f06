import type { Hub } from '../connection.js';

/** Devices finished, passed and passed at their first finished attempt, under some key (every station). */
export interface HubDeviceTotals {
  key: string;
  n: number;
  passed: number;
  firstPassed: number;
}

/** Finished attempts and passes under some key, with the programmer they ran on (every station). */
export interface HubAttemptTotals {
  key: string;
  programmer: string;
  n: number;
  passed: number;
}

/** Failed attempts, and failed devices by the code and stage of their last failed attempt (every station). */
export interface HubFailureTotals {
  code: string;
  stage: string;
  attempts: number;
  devices: number;
}

/** Ways the hub groups devices and attempts (the station's keys of `stats yield --by`). */
export type HubDeviceKey = 'lot' | 'chip' | 'all';
export type HubAttemptKey = 'programmer' | 'site' | 'adapter';

// Every device the hub counts: first writers' rows and the ones a fenced holder uploaded apart (each a chip).
const DEVICES = `d AS (SELECT lot_id, reel_id, seq, result, station FROM devices
                       UNION ALL SELECT lot_id, reel_id, seq, result, station FROM device_conflicts)`;
// A programmer's name as the station shows it; prefixed with its station when two stations use the same name.
const LABELS = `pn AS (SELECT serial, station, name, CASE WHEN count(*) OVER (PARTITION BY name) > 1 THEN station || '/' || name ELSE name END AS label
                        FROM programmers)`;
const DEVICE_KEYS: Record<HubDeviceKey, string> = { lot: 'd.lot_id', chip: 'l.chip', all: `'all'` };
const ATTEMPT_KEYS: Record<HubAttemptKey, string> = { programmer: 'pn.label', site: `pn.label || ':' || a.site`, adapter: `coalesce(a.adapter, '(none)')` };

// Keys sort bytewise (COLLATE "C"), as the station's SQLite does.
const deviceStatement = (k: HubDeviceKey) => ({
  name: `hub.yield.devices.${k}`,
  text: `WITH ${DEVICES}
         SELECT ${DEVICE_KEYS[k]} AS key, count(*)::int AS n, count(*) FILTER (WHERE d.result = 'pass')::int AS passed,
                count(*) FILTER (WHERE (SELECT a.result = 'pass' FROM attempts a
                                         WHERE a.lot_id = d.lot_id AND a.reel_id = d.reel_id AND a.seq = d.seq AND a.station = d.station
                                           AND a.result IN ('pass', 'fail') ORDER BY a.attempt LIMIT 1))::int AS "firstPassed"
           FROM d JOIN lots l ON l.id = d.lot_id
          WHERE $1::text IS NULL OR d.lot_id = $1
          GROUP BY 1 ORDER BY (${DEVICE_KEYS[k]}) COLLATE "C"`,
});
const attemptStatement = (k: HubAttemptKey) => ({
  name: `hub.yield.attempts.${k}`,
  text: `WITH ${LABELS}
         SELECT ${ATTEMPT_KEYS[k]} AS key, min(pn.label) AS programmer, count(*)::int AS n, count(*) FILTER (WHERE a.result = 'pass')::int AS passed
           FROM attempts a JOIN pn ON pn.serial = a.programmer
          WHERE a.result IN ('pass', 'fail') AND ($1::text IS NULL OR a.lot_id = $1)
          GROUP BY 1 ORDER BY min(pn.station) COLLATE "C", min(pn.label) COLLATE "C", min(a.site), (${ATTEMPT_KEYS[k]}) COLLATE "C"`,
});

const S = {
  devices: Object.fromEntries((Object.keys(DEVICE_KEYS) as HubDeviceKey[]).map((k) => [k, deviceStatement(k)])) as Record<HubDeviceKey, { name: string; text: string }>,
  attempts: Object.fromEntries((Object.keys(ATTEMPT_KEYS) as HubAttemptKey[]).map((k) => [k, attemptStatement(k)])) as Record<HubAttemptKey, { name: string; text: string }>,
  failures: {
    name: 'hub.yield.failures',
    text: `WITH ${DEVICES},
           fa AS (SELECT coalesce(failure_code, '?') AS code, coalesce(stage, '?') AS stage, count(*) AS n FROM attempts
                   WHERE result = 'fail' AND ($1::text IS NULL OR lot_id = $1) GROUP BY 1, 2),
           fd AS (SELECT coalesce(last.failure_code, '?') AS code, coalesce(last.stage, '?') AS stage, count(*) AS n
                    FROM d CROSS JOIN LATERAL (SELECT a.failure_code, a.stage FROM attempts a
                                                WHERE a.lot_id = d.lot_id AND a.reel_id = d.reel_id AND a.seq = d.seq AND a.station = d.station
                                                  AND a.result = 'fail' ORDER BY a.attempt DESC LIMIT 1) last
                   WHERE d.result = 'fail' AND ($1::text IS NULL OR d.lot_id = $1) GROUP BY 1, 2)
           SELECT code, stage, coalesce(fa.n, 0)::int AS attempts, coalesce(fd.n, 0)::int AS devices
             FROM fa FULL JOIN fd USING (code, stage)
            ORDER BY devices DESC, attempts DESC, code COLLATE "C"`,
  },
  lot: { name: 'hub.yield.lot', text: `SELECT id FROM lots WHERE id = $1` },
  lots: { name: 'hub.yield.lots', text: `SELECT id FROM lots ORDER BY id COLLATE "C"` },
} as const;

/** Device totals over every station grouped by lot, chip or one row for all, optionally of one lot. */
export async function hubDeviceTotals(hub: Hub, by: HubDeviceKey, lot?: string): Promise<HubDeviceTotals[]> {
  return hub.run(S.devices[by], [lot ?? null]);
}

/** Finished-attempt totals over every station grouped by programmer, site (`programmer:site`) or adapter, optionally of one lot. */
export async function hubAttemptTotals(hub: Hub, by: HubAttemptKey, lot?: string): Promise<HubAttemptTotals[]> {
  return hub.run(S.attempts[by], [lot ?? null]);
}

/** Failure totals by code and stage over every station, most devices first, optionally of one lot. */
export async function hubFailureTotals(hub: Hub, lot?: string): Promise<HubFailureTotals[]> {
  return hub.run(S.failures, [lot ?? null]);
}

/** The hub's lots, or only `lot` when it exists. */
export async function hubLotIds(hub: Hub, lot?: string): Promise<string[]> {
  return (await hub.run<{ id: string }>(lot === undefined ? S.lots : S.lot, lot === undefined ? [] : [lot])).map((r) => r.id);
}
