import type { Db } from '../db/open.js';

/** What past lots of a chip say about it. */
export interface ChipHistory {
  /** Finished devices of lots of this chip. */
  devices: number;
  passed: number;
  /** Attempts (insertions) of lots of this chip. */
  attempts: number;
  /** passed / devices; null without devices. */
  finalYield: number | null;
  /** attempts / devices; null without devices. */
  insertionsPerDevice: number | null;
}

/** Devices, passes and attempts of every lot of `part`. */
export function chipHistory(db: Db, part: string): ChipHistory {
  const d = db
    .prepare(
      `SELECT count(*) AS devices, coalesce(sum(d.result = 'pass'), 0) AS passed
         FROM devices d JOIN lots l ON l.id = d.lot_id WHERE l.chip = ?`,
    )
    .get(part) as { devices: number; passed: number };
  const a = db.prepare('SELECT count(*) AS n FROM attempts x JOIN lots l ON l.id = x.lot_id WHERE l.chip = ?').get(part) as { n: number };
  return {
    devices: d.devices,
    passed: d.passed,
    attempts: a.n,
    finalYield: d.devices ? d.passed / d.devices : null,
    insertionsPerDevice: d.devices ? a.n / d.devices : null,
  };
}

/** The median attempt duration (seconds) and how many attempts it is over. */
export interface MeasuredDuration {
  medianSec: number;
  attempts: number;
  /** 'image' when measured on lots with the same image, 'chip' when on any image of the chip. */
  scope: 'image' | 'chip';
}

const DURATION = "(unixepoch(x.ended_at, 'subsec') - unixepoch(x.started_at, 'subsec'))";

function median(db: Db, where: string, params: unknown[]): { n: number; median: number | null } {
  // Finished attempts only: an interrupted or in-socket insertion has no meaningful duration.
  const from = `FROM attempts x JOIN lots l ON l.id = x.lot_id JOIN jobs j ON j.id = l.job_id WHERE x.result IN ('pass', 'fail') AND ${where}`;
  const n = (db.prepare(`SELECT count(*) AS n ${from}`).get(...params) as { n: number }).n;
  if (n === 0) return { n, median: null };
  const pick = db.prepare(`SELECT ${DURATION} AS d ${from} ORDER BY d LIMIT 1 OFFSET ?`);
  const lo = (pick.get(...params, Math.floor((n - 1) / 2)) as { d: number }).d;
  const hi = (pick.get(...params, Math.floor(n / 2)) as { d: number }).d;
  return { n, median: (lo + hi) / 2 };
}

/**
 * The median attempt duration of `part` when at least `minAttempts` attempts exist: over lots of the same image
 * when there are enough of them, else over every lot of the chip; null when history is too thin.
 */
export function measuredDuration(db: Db, part: string, sha256: string | undefined, minAttempts: number): MeasuredDuration | null {
  if (sha256) {
    const m = median(db, 'l.chip = ? AND j.image_sha256 = ?', [part, sha256]);
    if (m.n >= minAttempts && m.median !== null) return { medianSec: m.median, attempts: m.n, scope: 'image' };
  }
  const m = median(db, 'l.chip = ?', [part]);
  if (m.n >= minAttempts && m.median !== null) return { medianSec: m.median, attempts: m.n, scope: 'chip' };
  return null;
}
