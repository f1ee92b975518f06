import type { Hub } from '../connection.js';

/** A chip's devices, passes and finished attempts over every lot of it on the hub (every station). */
export interface HubChipTotals {
  devices: number;
  passed: number;
  attempts: number;
}

/** Attempts a duration sample holds at most (the planner's window: the newest lots' finished attempts). */
const WINDOW = 5000;

// Every device the hub counts: first writers' rows and the ones a fenced holder uploaded apart.
const DEVICES = `(SELECT lot_id, result FROM devices UNION ALL SELECT lot_id, result FROM device_conflicts)`;

const S = {
  chip: {
    name: 'hub.history.chip',
    text: `SELECT (SELECT count(*)::int FROM ${DEVICES} d JOIN lots l ON l.id = d.lot_id WHERE l.chip = $1) AS devices,
                  (SELECT count(*)::int FROM ${DEVICES} d JOIN lots l ON l.id = d.lot_id WHERE l.chip = $1 AND d.result = 'pass') AS passed,
                  (SELECT count(*)::int FROM attempts a JOIN lots l ON l.id = a.lot_id WHERE l.chip = $1 AND a.result IN ('pass', 'fail')) AS attempts`,
  },
  durations: {
    name: 'hub.history.durations',
    // Finished attempts only (an interrupted insertion has no meaningful duration), newest lots first. Each end is
    // taken to double-precision seconds before the subtraction, as a station's SQLite does (the same figure to the bit).
    text: `SELECT extract(epoch FROM a.ended_at::timestamptz)::float8 - extract(epoch FROM a.started_at::timestamptz)::float8 AS d
             FROM attempts a JOIN lots l ON l.id = a.lot_id JOIN jobs j ON j.id = l.job_id
            WHERE l.chip = $1 AND ($2::text IS NULL OR j.image_sha256 = $2) AND a.result IN ('pass', 'fail')
            ORDER BY l.created_at DESC, l.id DESC LIMIT ${WINDOW}`,
  },
} as const;

/** Devices, passes and finished attempts of every lot of `part` on the hub. */
export async function hubChipTotals(hub: Hub, part: string): Promise<HubChipTotals> {
  return (await hub.run<HubChipTotals & Record<string, unknown>>(S.chip, [part]))[0];
}

/** Durations in seconds of the newest lots' finished attempts of `part` (of one image when given), at most 5000. */
export async function hubAttemptDurations(hub: Hub, part: string, sha256: string | undefined): Promise<number[]> {
  return (await hub.run<{ d: number }>(S.durations, [part, sha256 ?? null])).map((r) => r.d);
}
