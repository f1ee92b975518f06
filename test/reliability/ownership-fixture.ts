import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runCli } from '../helpers/cli.js';

/** Short lease times so a pause "past the heartbeat" takes a second, not 15 s. */
export const FAST_LEASE = { GANGFLASH_HEARTBEAT_MS: '200', GANGFLASH_LEASE_STALE_MS: '1000' };

/** Imports one more reel of the fixture's job (`lot`, `reel`, `qty`) through the CLI; returns the CLI result. */
export function importReel(dbFile: string, lot: string, reel: string, qty: number) {
  const csv = path.join(path.dirname(dbFile), `${lot}-${reel}.csv`);
  fs.writeFileSync(csv, `lot,reel,part,quantity,date_code,job\n${lot},${reel},KLM8G1GETF-B041,${qty},2447,job\n`);
  return runCli(['--db', dbFile, 'lot', 'import', csv]);
}

/** Runs one counting query on the database (read-only). */
export function count(dbFile: string, sql: string, ...args: unknown[]): number {
  const db = new Database(dbFile, { readonly: true });
  try {
    return db.prepare(sql).pluck().get(...args) as number;
  } finally {
    db.close();
  }
}

/** What two runs must never do together, counted over every lot of the database. */
export function overlaps(dbFile: string): { socket: number; device: number; serialTwice: number } {
  const overlap = (same: string) =>
    count(
      dbFile,
      `SELECT count(*) FROM attempts a JOIN attempts b ON ${same} AND a.id < b.id
       WHERE a.started_at < coalesce(b.ended_at, '9999') AND b.started_at < coalesce(a.ended_at, '9999')`,
    );
  return {
    socket: overlap('a.programmer_id = b.programmer_id AND a.site = b.site'),
    device: overlap('a.lot_id = b.lot_id AND a.reel_id = b.reel_id AND a.seq = b.seq'),
    serialTwice: count(dbFile, 'SELECT count(*) FROM (SELECT serial FROM devices WHERE serial IS NOT NULL GROUP BY lot_id, serial HAVING count(*) > 1)'),
  };
}

/** True when the text holds a JavaScript stack trace. */
export const hasStack = (s: string): boolean => /\n\s+at .+[:(]/.test(s);

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
