import type { Hub } from '../connection.js';
import type { ReelCountRow } from '../../records/reel-counts.js';

/** A lot's counts on the hub: its job, chip, reels and their states, planned and finished devices (every station). */
export interface HubLotCounts {
  lot: string;
  /** name@version of the released job. */
  job: string;
  chip: string;
  reels: number;
  held: number;
  done: number;
  planned: number;
  passed: number;
  failed: number;
}

/** The counts of lots, from their reels and the totals every upload keeps. */
export const LOT_COUNTS = `SELECT l.id AS lot, j.name || '@' || j.version AS job, l.chip,
         (SELECT count(*)::int FROM reels r WHERE r.lot_id = l.id) AS reels,
         (SELECT count(*)::int FROM reels r WHERE r.lot_id = l.id AND r.state = 'held') AS held,
         (SELECT count(*)::int FROM reels r WHERE r.lot_id = l.id AND r.state = 'done') AS done,
         (SELECT coalesce(sum(quantity), 0)::int FROM reels r WHERE r.lot_id = l.id) AS planned,
         (SELECT coalesce(sum(passed), 0)::int FROM lot_totals t WHERE t.lot_id = l.id) AS passed,
         (SELECT coalesce(sum(failed), 0)::int FROM lot_totals t WHERE t.lot_id = l.id) AS failed
    FROM lots l JOIN jobs j ON j.id = l.job_id`;

const S = {
  all: { name: 'hub.lots.counts', text: `${LOT_COUNTS} ORDER BY l.created_at DESC, l.id` },
  one: { name: 'hub.lots.count', text: `${LOT_COUNTS} WHERE l.id = $1` },
  reels: {
    name: 'hub.lots.reels',
    text: `SELECT r.reel_id AS reel, r.part, r.quantity, r.date_code AS "dateCode",
                  (SELECT count(*)::int FROM (SELECT result FROM devices d WHERE d.lot_id = r.lot_id AND d.reel_id = r.reel_id
                                              UNION ALL SELECT result FROM device_conflicts c WHERE c.lot_id = r.lot_id AND c.reel_id = r.reel_id) x
                    WHERE x.result = 'pass') AS passed,
                  (SELECT count(*)::int FROM (SELECT result FROM devices d WHERE d.lot_id = r.lot_id AND d.reel_id = r.reel_id
                                              UNION ALL SELECT result FROM device_conflicts c WHERE c.lot_id = r.lot_id AND c.reel_id = r.reel_id) x
                    WHERE x.result = 'fail') AS failed
             FROM reels r WHERE r.lot_id = $1 ORDER BY r.reel_id COLLATE "C"`,
  },
} as const;

/** The counts of every lot on the hub, newest first. */
export async function hubLotCountList(hub: Hub): Promise<HubLotCounts[]> {
  return hub.run(S.all);
}

/** The counts of one lot, or undefined when the hub has no such lot. */
export async function hubLotCount(hub: Hub, lot: string): Promise<HubLotCounts | undefined> {
  return (await hub.run<HubLotCounts & Record<string, unknown>>(S.one, [lot]))[0];
}

/** The reels of a lot with their devices passed and failed, by reel id (bytewise, as a station sorts). */
export async function hubReelCounts(hub: Hub, lot: string): Promise<ReelCountRow[]> {
  return hub.run(S.reels, [lot]);
}
