import type { Db } from '../db/open.js';
import { statements } from './statements.js';
import type { ReelCountRow } from '../records/reel-counts.js';

/** A lot's stored counts (from its reels and the device totals the database keeps). */
export interface LotCountRow {
  lot: string;
  /** NAME@VERSION of the lot's job. */
  job: string;
  chip: string;
  status: string;
  reels: number;
  planned: number;
  passed: number;
  failed: number;
}

/** A reel as stored. */
export interface ReelRow {
  lot: string;
  reel: string;
  part: string;
  quantity: number;
  dateCode: string;
}

/** What one reel-file import writes. */
export interface ImportRows {
  /** New lots with their job and chip (a lot that exists is left as it is). */
  lots: { lot: string; jobId: number; chip: string }[];
  reels: ReelRow[];
  /** SHA-256 of the file, so the same file is never imported twice. */
  digest: string;
  file: string;
  /** Rows the file held. */
  rows: number;
}

const COUNTS = `
SELECT l.id AS lot, j.name || '@' || j.version AS job, l.chip, l.status,
  (SELECT count(*) FROM reels r WHERE r.lot_id = l.id) AS reels,
  (SELECT coalesce(sum(quantity), 0) FROM reels r WHERE r.lot_id = l.id) AS planned,
  (SELECT coalesce(sum(t.passed), 0) FROM device_totals t WHERE t.lot_id = l.id) AS passed,
  (SELECT coalesce(sum(t.failed), 0) FROM device_totals t WHERE t.lot_id = l.id) AS failed
FROM lots l JOIN jobs j ON j.id = l.job_id`;

const FAMILY = {};

function prepare(db: Db) {
  return {
    counts: db.prepare(`${COUNTS} ORDER BY l.created_at DESC, l.id`),
    countsOf: db.prepare(`${COUNTS} WHERE l.id = ?`),
    recent: db.prepare('SELECT id FROM lots ORDER BY created_at DESC LIMIT ?').pluck(),
    reelCounts: db.prepare(
      `SELECT r.reel_id AS reel, r.part, r.quantity, r.date_code AS dateCode,
        coalesce(t.passed, 0) AS passed, coalesce(t.failed, 0) AS failed
       FROM reels r LEFT JOIN device_totals t ON t.lot_id = r.lot_id AND t.reel_id = r.reel_id WHERE r.lot_id = ? ORDER BY r.reel_id`,
    ),
    jobId: db.prepare('SELECT job_id FROM lots WHERE id = ?').pluck(),
    setStatus: db.prepare('UPDATE lots SET status = ? WHERE id = ?'),
    reel: db.prepare('SELECT lot_id AS lot, reel_id AS reel, part, quantity, date_code AS dateCode FROM reels WHERE lot_id = ? AND reel_id = ?'),
    imported: db.prepare('SELECT 1 FROM imports WHERE digest = ?').pluck(),
    insLot: db.prepare('INSERT OR IGNORE INTO lots (id, job_id, chip) VALUES (?, ?, ?)'),
    insReel: db.prepare('INSERT INTO reels (lot_id, reel_id, part, quantity, date_code) VALUES (?, ?, ?, ?, ?)'),
    insImport: db.prepare('INSERT INTO imports (digest, file, rows) VALUES (?, ?, ?)'),
  };
}

const s = (db: Db) => statements(db, FAMILY, prepare);

/** The stored counts of every lot, newest first. */
export function lotCountRows(db: Db): LotCountRow[] {
  return s(db).counts.all() as LotCountRow[];
}

/** The stored counts of one lot, or undefined when there is no such lot. */
export function lotCountRow(db: Db, lot: string): LotCountRow | undefined {
  return s(db).countsOf.get(lot) as LotCountRow | undefined;
}

/** The ids of the `n` newest lots. */
export function recentLotIds(db: Db, n: number): string[] {
  return s(db).recent.all(n) as string[];
}

/** The reels of a lot with their counts, by reel id. */
export function reelCountRows(db: Db, lot: string): ReelCountRow[] {
  return s(db).reelCounts.all(lot) as ReelCountRow[];
}

/** The job id of a lot, or undefined when there is no such lot. */
export function lotJobId(db: Db, lot: string): number | undefined {
  return s(db).jobId.get(lot) as number | undefined;
}

/** Sets a lot's status ('running', 'done', 'stopped'). */
export function setLotStatus(db: Db, lot: string, status: string): void {
  s(db).setStatus.run(status, lot);
}

/** One reel of a lot, or undefined. */
export function reelRow(db: Db, lot: string, reel: string): ReelRow | undefined {
  return s(db).reel.get(lot, reel) as ReelRow | undefined;
}

/** True when a file with this SHA-256 was imported before. */
export function wasImported(db: Db, digest: string): boolean {
  return s(db).imported.get(digest) !== undefined;
}

/** Writes one import's lots, reels and record in one transaction; returns the lots that were new. */
export function writeImport(db: Db, im: ImportRows): string[] {
  const { insLot, insReel, insImport } = s(db);
  const added: string[] = [];
  db.transaction(() => {
    for (const l of im.lots) if (insLot.run(l.lot, l.jobId, l.chip).changes > 0) added.push(l.lot);
    for (const r of im.reels) insReel.run(r.lot, r.reel, r.part, r.quantity, r.dateCode);
    insImport.run(im.digest, im.file, im.rows);
  }).immediate();
  return added;
}
