import type { Db } from '../db/open.js';
import { statements } from './statements.js';
import { atomically } from './atomic.js';
import type { FinishedDevice } from '../records/station-wire.js';

/** An insertion as it enters its socket: the 'in-socket' attempts row. */
export interface OpenAttemptRow {
  lot: string;
  reel: string;
  seq: number;
  attempt: number;
  programmerId: number;
  site: number;
  adapterId: number | null;
  startedAt: string;
  serial: string | null;
  /** Lease epoch of the programmer; the database refuses a stale one. */
  epoch: number;
  runId: number | null;
}

/** How an insertion ended: its row's final fields. */
export interface FinishedAttemptRow {
  id: number;
  startedAt: string;
  endedAt: string;
  result: 'pass' | 'fail';
  failureCode: string | null;
  stage: string | null;
  badBlocks: number;
  serial: string | null;
}

const FAMILY = {};

function prepare(db: Db) {
  return {
    open: db.prepare(
      `INSERT INTO attempts (lot_id, reel_id, seq, attempt, programmer_id, site, adapter_id, started_at, ended_at, result, serial, lease_epoch, run_id)
       VALUES (@lot, @reel, @seq, @attempt, @programmerId, @site, @adapterId, @startedAt, NULL, 'in-socket', @serial, @epoch, @runId)`,
    ),
    finish: db.prepare(
      `UPDATE attempts SET started_at = @startedAt, ended_at = @endedAt, result = @result, failure_code = @failureCode, stage = @stage,
         bad_blocks = @badBlocks, serial = @serial WHERE id = @id`,
    ),
    device: db.prepare(`INSERT INTO devices (lot_id, reel_id, seq, result, failure_code, serial, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
    interruptOne: db.prepare(`UPDATE attempts SET result = 'interrupted', ended_at = ? WHERE id = ? AND result = 'in-socket'`),
    interruptOfLot: db.prepare(`UPDATE attempts SET result = 'interrupted', ended_at = ? WHERE result = 'in-socket' AND lot_id = ?`),
    interruptOnProgrammer: db.prepare(`UPDATE attempts SET result = 'interrupted', ended_at = ? WHERE result = 'in-socket' AND programmer_id = ?`),
    ofProgrammer: db.prepare('SELECT count(*) FROM attempts WHERE programmer_id = ?').pluck(),
  };
}

const s = (db: Db) => statements(db, FAMILY, prepare);

/** Writes the 'in-socket' rows of insertions starting now (inside the caller's transaction); returns their ids. */
export function openAttempts(db: Db, list: readonly OpenAttemptRow[]): number[] {
  const open = s(db).open;
  return list.map((a) => Number(open.run(a).lastInsertRowid));
}

/** Writes how an insertion ended; false when its row is missing. */
export function finishAttempt(db: Db, r: FinishedAttemptRow): boolean {
  return s(db).finish.run(r).changes === 1;
}

/** Writes a device's final row. */
export function insertDevice(db: Db, d: FinishedDevice): void {
  s(db).device.run(d.lot, d.reel, d.seq, d.result, d.failureCode, d.serial, d.finishedAt);
}

/** Closes the given attempts still 'in-socket' as 'interrupted' at `at`, in one transaction. */
export function interruptAttempts(db: Db, ids: readonly number[], at: string): void {
  const one = s(db).interruptOne;
  atomically(db, () => ids.forEach((id) => one.run(at, id)));
}

/** Closes as 'interrupted' every attempt still 'in-socket' of `lot` or on `programmerIds`, in one transaction; returns how many. */
export function interruptOpenAttempts(db: Db, lot: string, programmerIds: readonly number[], at: string): number {
  const { interruptOfLot, interruptOnProgrammer } = s(db);
  return atomically(db, () => programmerIds.reduce((n, id) => n + interruptOnProgrammer.run(at, id).changes, interruptOfLot.run(at, lot).changes));
}

/** How many attempts were recorded on a programmer. */
export function attemptsOnProgrammer(db: Db, programmerId: number): number {
  return s(db).ofProgrammer.get(programmerId) as number;
}
