import type { Db } from '../db/open.js';
import { statements } from './statements.js';

/** Who holds a lease row, and since when (lot_leases, programmer_leases). */
export interface LeaseHolderRow {
  host: string;
  pid: number;
  /** Process start in clock ticks after boot; null where /proc is missing. */
  started: number | null;
  bootId: string | null;
  acquiredAt: string;
  /** Milliseconds since the epoch of the last heartbeat. */
  heartbeatAt: number;
}

/** A lot's lease row. */
export interface LotLeaseRow extends LeaseHolderRow {
  holder: string;
}

/** A programmer's lease row; `holder` is null once released (the epoch stays). */
export interface ProgrammerLeaseRow extends Omit<LeaseHolderRow, 'acquiredAt'> {
  programmerId: number;
  epoch: number;
  holder: string | null;
  lotId: string | null;
  acquiredAt: string | null;
}

/** A lease holder to write. */
export interface NewLeaseHolder {
  holder: string;
  host: string;
  pid: number;
  started: number | null;
  bootId: string | null;
}

const HOLDER = 'host, pid, started, boot_id AS bootId, acquired_at AS acquiredAt, heartbeat_at AS heartbeatAt';
const FAMILY = {};

function prepare(db: Db) {
  return {
    lot: db.prepare(`SELECT holder, ${HOLDER} FROM lot_leases WHERE lot_id = ?`),
    lotHolder: db.prepare('SELECT holder FROM lot_leases WHERE lot_id = ?').pluck(),
    putLot: db.prepare(
      `INSERT INTO lot_leases (lot_id, holder, host, pid, started, boot_id, acquired_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(lot_id) DO UPDATE SET holder = excluded.holder, host = excluded.host, pid = excluded.pid, started = excluded.started,
         boot_id = excluded.boot_id, acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at`,
    ),
    beatLot: db.prepare('UPDATE lot_leases SET heartbeat_at = ? WHERE lot_id = ? AND holder = ?'),
    dropLot: db.prepare('DELETE FROM lot_leases WHERE lot_id = ? AND holder = ?'),
    programmer: db.prepare(`SELECT programmer_id AS programmerId, epoch, holder, lot_id AS lotId, ${HOLDER} FROM programmer_leases WHERE programmer_id = ?`),
    putProgrammer: db.prepare(
      `INSERT INTO programmer_leases (programmer_id, epoch, holder, lot_id, host, pid, started, boot_id, acquired_at, heartbeat_at)
       VALUES (@id, @epoch, @holder, @lot, @host, @pid, @started, @bootId, @at, @now)
       ON CONFLICT(programmer_id) DO UPDATE SET epoch = excluded.epoch, holder = excluded.holder, lot_id = excluded.lot_id, host = excluded.host,
         pid = excluded.pid, started = excluded.started, boot_id = excluded.boot_id, acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at`,
    ),
    heldBy: db.prepare('SELECT programmer_id AS id, epoch FROM programmer_leases WHERE holder IS ?'),
    beatProgrammers: db.prepare('UPDATE programmer_leases SET heartbeat_at = ? WHERE holder = ?'),
    dropProgrammers: db.prepare('UPDATE programmer_leases SET holder = NULL, heartbeat_at = ? WHERE holder = ?'),
  };
}

const s = (db: Db) => statements(db, FAMILY, prepare);

/**
 * Runs `fn` with the engine's lock wait (SQLite's busy timeout) set to `ms`, so a lock held elsewhere does not block
 * the event loop for long.
 */
export function waitingAtMost<T>(db: Db, ms: number, fn: () => T): T {
  const was = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma(`busy_timeout = ${ms}`);
  try {
    return fn();
  } finally {
    db.pragma(`busy_timeout = ${was}`);
  }
}

/** The lease row of a lot, or undefined when nobody holds it. */
export function lotLease(db: Db, lot: string): LotLeaseRow | undefined {
  return s(db).lot.get(lot) as LotLeaseRow | undefined;
}

/** The holder id named in a lot's lease row, or undefined. */
export function lotLeaseHolder(db: Db, lot: string): string | undefined {
  return s(db).lotHolder.get(lot) as string | undefined;
}

/**
 * Takes a lot's lease for `holder` in one IMMEDIATE transaction; `judge` runs first inside it on the current row
 * (throw to refuse).
 */
export function takeLotLease(db: Db, lot: string, h: NewLeaseHolder, judge: () => void): void {
  const put = s(db).putLot;
  db.transaction(() => {
    judge();
    put.run(lot, h.holder, h.host, h.pid, h.started, h.bootId, new Date().toISOString(), Date.now());
  }).immediate();
}

/** Renews a lot lease's heartbeat without waiting for a lock; false when the row no longer names `holder`. */
export function beatLotLease(db: Db, lot: string, holder: string): boolean {
  return waitingAtMost(db, 0, () => s(db).beatLot.run(Date.now(), lot, holder).changes > 0);
}

/** Drops a lot's lease row if `holder` still holds it, waiting at most a second for a lock. */
export function dropLotLease(db: Db, lot: string, holder: string): void {
  waitingAtMost(db, 1000, () => s(db).dropLot.run(lot, holder));
}

/** The lease row of a programmer, or undefined when it was never leased. */
export function programmerLease(db: Db, programmerId: number): ProgrammerLeaseRow | undefined {
  return s(db).programmer.get(programmerId) as ProgrammerLeaseRow | undefined;
}

/**
 * Takes the leases of `programmerIds` for `holder` and `lot` in one IMMEDIATE transaction: for each, `judge` sees the
 * current row (throw to refuse), and the new epoch is the row's plus one. Returns each programmer's new epoch.
 */
export function takeProgrammerLeases(
  db: Db,
  programmerIds: readonly number[],
  h: NewLeaseHolder,
  lot: string,
  judge: (programmerId: number, cur: ProgrammerLeaseRow | undefined) => void,
): Map<number, number> {
  const { programmer, putProgrammer } = s(db);
  const epochs = new Map<number, number>();
  db.transaction(() => {
    for (const id of programmerIds) {
      const cur = programmer.get(id) as ProgrammerLeaseRow | undefined;
      judge(id, cur);
      const epoch = (cur?.epoch ?? 0) + 1;
      putProgrammer.run({ id, epoch, holder: h.holder, lot, host: h.host, pid: h.pid, started: h.started, bootId: h.bootId, at: new Date().toISOString(), now: Date.now() });
      epochs.set(id, epoch);
    }
  }).immediate();
  return epochs;
}

/** The epoch of every programmer whose lease names `holder`, by programmer id. */
export function programmersHeldBy(db: Db, holder: string): Map<number, number> {
  return new Map((s(db).heldBy.all(holder) as { id: number; epoch: number }[]).map((r) => [r.id, r.epoch]));
}

/** Renews the heartbeat of every programmer lease of `holder` without waiting for a lock; then runs `after` likewise. */
export function beatProgrammerLeases(db: Db, holder: string, after: () => void): void {
  waitingAtMost(db, 0, () => {
    s(db).beatProgrammers.run(Date.now(), holder);
    after();
  });
}

/** Releases every programmer lease of `holder` (epochs stay), waiting at most a second for a lock. */
export function dropProgrammerLeases(db: Db, holder: string): void {
  waitingAtMost(db, 1000, () => s(db).dropProgrammers.run(Date.now(), holder));
}
