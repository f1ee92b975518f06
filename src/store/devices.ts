import type { Db } from '../db/open.js';
import { statements } from './statements.js';

/** A device with attempts but no final row yet: it goes in again. */
export interface UnfinishedDeviceRow {
  reel: string;
  seq: number;
  /** Number of its latest insertion. */
  attempt: number;
  /** Its finished attempts that failed. */
  failures: number;
  /** `programmerId:site` of its latest failed attempt, or null. */
  avoid: string | null;
}

const FAMILY = {};

function prepare(db: Db) {
  return {
    reels: db.prepare('SELECT reel_id AS reel, quantity FROM reels WHERE lot_id = ? ORDER BY reel_id'),
    // A lot run through a hub (in hub_lots): only the reels the hub leased to this station and it still holds, from
    // the seq this station starts at; any other lot: every reel from seq 1.
    queueReels: db.prepare(
      `SELECT r.reel_id AS reel, r.quantity, coalesce(h.start_seq, 1) AS first FROM reels r
       LEFT JOIN hub_reels h ON h.lot_id = r.lot_id AND h.reel_id = r.reel_id
       WHERE r.lot_id = ? AND (h.state = 'held' OR NOT EXISTS (SELECT 1 FROM hub_lots x WHERE x.lot_id = r.lot_id))
       ORDER BY r.reel_id`,
    ),
    finished: db.prepare('SELECT reel_id AS reel, seq FROM devices WHERE lot_id = ?'),
    unfinished: db.prepare(
      `SELECT a.reel_id AS reel, a.seq, max(a.attempt) AS attempt, sum(a.result = 'fail') AS failures,
         (SELECT b.programmer_id || ':' || b.site FROM attempts b WHERE b.lot_id = a.lot_id AND b.reel_id = a.reel_id AND b.seq = a.seq
            AND b.result = 'fail' ORDER BY b.attempt DESC LIMIT 1) AS avoid
       FROM attempts a WHERE a.lot_id = ? AND NOT EXISTS
         (SELECT 1 FROM devices d WHERE d.lot_id = a.lot_id AND d.reel_id = a.reel_id AND d.seq = a.seq)
       GROUP BY a.reel_id, a.seq ORDER BY a.reel_id, a.seq`,
    ),
  };
}

const s = (db: Db) => statements(db, FAMILY, prepare);

/** The reels of a lot with their quantities, by reel id. */
export function reelQuantities(db: Db, lot: string): { reel: string; quantity: number }[] {
  return s(db).reels.all(lot) as { reel: string; quantity: number }[];
}

/** The reels a run of this station programs, with the first seq: a hub lot's held reels only, any other lot's all. */
export function queueReels(db: Db, lot: string): { reel: string; quantity: number; first: number }[] {
  return s(db).queueReels.all(lot) as { reel: string; quantity: number; first: number }[];
}

/** Calls `each` with every device of a lot that has its final row (read one row at a time). */
export function forEachFinishedDevice(db: Db, lot: string, each: (reel: string, seq: number) => void): void {
  for (const d of s(db).finished.iterate(lot) as Iterable<{ reel: string; seq: number }>) each(d.reel, d.seq);
}

/** Devices of a lot with attempts but no final row, by reel and seq. */
export function unfinishedDevices(db: Db, lot: string): UnfinishedDeviceRow[] {
  return s(db).unfinished.all(lot) as UnfinishedDeviceRow[];
}
