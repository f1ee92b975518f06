import type { Hub } from '../connection.js';

/** A lot's counts from one station, as the hub has recorded them. */
export interface StationTotals {
  station: string;
  attempts: number;
  passedAttempts: number;
  devices: number;
  passed: number;
  failed: number;
  late: number;
  conflicts: number;
  lastUploadAt: Date | null;
}

/** A lot across every station: one line per station and their sum. */
export interface LotTotals {
  lot: string;
  /** name@version of the released job. */
  job: string;
  chip: string;
  stations: StationTotals[];
  total: Omit<StationTotals, 'station' | 'lastUploadAt'>;
  reels: { total: number; free: number; held: number; done: number; quantity: number };
}

const S = {
  stations: {
    name: 'hub.totals.stations',
    text: `SELECT station, attempts::int, passed_attempts::int AS "passedAttempts", devices::int, passed::int, failed::int, late::int, conflicts::int,
             last_upload_at AS "lastUploadAt" FROM lot_totals WHERE lot_id = $1 ORDER BY station`,
  },
  reels: {
    name: 'hub.totals.reels',
    text: `SELECT count(*)::int AS total, count(*) FILTER (WHERE state = 'free')::int AS free, count(*) FILTER (WHERE state = 'held')::int AS held,
             count(*) FILTER (WHERE state = 'done')::int AS done, coalesce(sum(quantity), 0)::int AS quantity FROM reels WHERE lot_id = $1`,
  },
  lot: { name: 'hub.totals.lot', text: `SELECT j.name || '@' || j.version AS job, l.chip FROM lots l JOIN jobs j ON j.id = l.job_id WHERE l.id = $1` },
} as const;

/** A lot's totals per station and overall, read from the totals kept by every upload (one row per station). */
export async function lotTotals(hub: Hub, lot: string): Promise<LotTotals | undefined> {
  const [l] = await hub.run<{ job: string; chip: string }>(S.lot, [lot]);
  if (!l) return undefined;
  const stations = await hub.run<StationTotals>(S.stations, [lot]);
  const [reels] = await hub.run<LotTotals['reels']>(S.reels, [lot]);
  const total = { attempts: 0, passedAttempts: 0, devices: 0, passed: 0, failed: 0, late: 0, conflicts: 0 };
  for (const s of stations) for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += s[k];
  return { lot, job: l.job, chip: l.chip, stations, total, reels };
}
