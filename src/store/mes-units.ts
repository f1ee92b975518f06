import type { Db } from '../db/open.js';
import { statements } from './statements.js';

/**
 * An attempts row as its CFX unit messages need it (chipdb/migrations/011_mes_units_from_attempts.sql): the
 * insertion, what it names, the mes_runs row of the run that recorded it, and whether it was the device's last.
 */
export interface MesUnitRow {
  id: number;
  /** 'in-socket' (not finished yet), 'interrupted' (nothing to publish), 'pass' or 'fail'. */
  result: string;
  lot: string;
  reel: string;
  seq: number;
  attempt: number;
  site: number;
  startedAt: string;
  endedAt: string | null;
  failureCode: string | null;
  stage: string | null;
  badBlocks: number;
  serial: string | null;
  programmer: string;
  adapter: string | null;
  /** The mes_runs row of the attempt's run; null when that run did not publish (MES off): nothing to send. */
  mesRun: number | null;
  /** 1 when the device row was written with this attempt (no retry follows). */
  final: number;
  /** The serial ledger's fields of the value a passed device keeps (JSON [{name, text, writes}]), or null. */
  serialData: string | null;
}

/** How far the attempts are published: every id <= through but those in `open` (still in their socket when passed). */
export interface UnitCursor {
  through: number;
  open: number[];
}

/**
 * The insertions published by either of two cursors, as one cursor: what the last batch of two publishers at once
 * (a run's and a `mes publish`) leaves, so neither moves the other's progress back.
 */
export function unionCursor(a: UnitCursor, b: UnitCursor): UnitCursor {
  const unsent = (c: UnitCursor, id: number) => id > c.through || c.open.includes(id);
  const open = [...new Set([...a.open, ...b.open])].filter((id) => unsent(a, id) && unsent(b, id)).sort((x, y) => x - y);
  return { through: Math.max(a.through, b.through), open };
}

const FAMILY = {};

/** Whether attempt `a` was its device's last: the device row exists and no later insertion finished. */
const FINAL = `(EXISTS (SELECT 1 FROM devices d WHERE d.lot_id = a.lot_id AND d.reel_id = a.reel_id AND d.seq = a.seq)
    AND NOT EXISTS (SELECT 1 FROM attempts b WHERE b.lot_id = a.lot_id AND b.reel_id = a.reel_id AND b.seq = a.seq AND b.attempt > a.attempt AND b.result IN ('pass', 'fail')))`;

const COLS = `a.id, a.result, a.lot_id AS lot, a.reel_id AS reel, a.seq, a.attempt, a.site, a.started_at AS startedAt, a.ended_at AS endedAt,
  a.failure_code AS failureCode, a.stage, a.bad_blocks AS badBlocks, a.serial, coalesce(p.name, a.programmer_id) AS programmer, ad.serial AS adapter,
  (SELECT min(m.id) FROM mes_runs m WHERE m.run_id = a.run_id) AS mesRun,
  ${FINAL} AS final,
  CASE WHEN a.result = 'pass' AND a.serial IS NOT NULL THEN
    (SELECT l.data FROM serial_ledger l WHERE l.lot_id = a.lot_id AND l.reel_id = a.reel_id AND l.seq = a.seq AND l.state = 'committed' LIMIT 1) END AS serialData`;
const FROM = `FROM attempts a LEFT JOIN programmers p ON p.id = a.programmer_id LEFT JOIN adapters ad ON ad.id = a.adapter_id`;
/** Attempts whose run published (has a mes_runs row) and that finished: the ones with messages. */
const HAS_MESSAGES = `a.result IN ('pass', 'fail') AND a.run_id IN (SELECT run_id FROM mes_runs WHERE run_id IS NOT NULL)`;

function prepare(db: Db) {
  return {
    after: db.prepare(`SELECT ${COLS} ${FROM} WHERE a.id > ? ORDER BY a.id LIMIT ?`),
    byIds: db.prepare(`SELECT ${COLS} ${FROM} WHERE a.id IN (SELECT value FROM json_each(?)) ORDER BY a.id`),
    cursor: db.prepare(`SELECT units_through AS through, units_open AS open FROM mes_publish_state WHERE id = 1`),
    // Waiting: the messages of the finished attempts above the cursor and of the open ones that finished since: a
    // UnitsProcessed each, and a UnitsDisqualified or UnitsPersonalized for a device's last.
    pending: db.prepare(
      `SELECT count(*) AS insertions, coalesce(sum(n), 0) AS messages FROM (SELECT 1 + (${FINAL} AND (a.result = 'fail' OR a.serial IS NOT NULL)) AS n
         FROM mes_publish_state s JOIN attempts a ON (a.id > s.units_through OR a.id IN (SELECT value FROM json_each(s.units_open))) AND ${HAS_MESSAGES}
        WHERE s.id = 1 LIMIT ?)`,
    ),
    oldestPending: db.prepare(
      `SELECT min(a.ended_at) FROM mes_publish_state s JOIN attempts a
         ON (a.id > s.units_through OR a.id IN (SELECT value FROM json_each(s.units_open))) AND ${HAS_MESSAGES} WHERE s.id = 1`,
    ).pluck(),
    // Sent: finished attempts with messages at or below a cursor read before and not open in it, `limit` after `after`.
    sent: db.prepare(
      `SELECT ${COLS} ${FROM}
        WHERE a.id > ? AND a.id <= ? AND a.id NOT IN (SELECT value FROM json_each(?)) AND ${HAS_MESSAGES}
        ORDER BY a.id LIMIT ?`,
    ),
    lastSent: db.prepare(
      `SELECT a.id FROM attempts a JOIN mes_publish_state s ON s.id = 1
        WHERE a.id <= s.units_through AND a.id NOT IN (SELECT value FROM json_each(s.units_open)) AND ${HAS_MESSAGES}
        ORDER BY a.id DESC LIMIT 1 OFFSET ?`,
    ).pluck(),
  };
}

const s = (db: Db) => statements(db, FAMILY, prepare);

/** Up to `limit` attempts rows with ids above `after` (every result: the publisher tracks the unfinished), oldest first. */
export function unitRowsAfter(db: Db, after: number, limit: number): MesUnitRow[] {
  return s(db).after.all(after, limit) as MesUnitRow[];
}

/** The attempts rows of `ids` (those still open), oldest first. */
export function unitRowsByIds(db: Db, ids: readonly number[]): MesUnitRow[] {
  return ids.length === 0 ? [] : (s(db).byIds.all(JSON.stringify(ids)) as MesUnitRow[]);
}

/** How far the attempts are published. */
export function unitCursor(db: Db): UnitCursor {
  const r = s(db).cursor.get() as { through: number; open: string };
  return { through: r.through, open: JSON.parse(r.open) as number[] };
}

/** Unit messages waiting to be published: those of the finished insertions above the publisher's cursor or open below it. */
export function pendingUnits(db: Db): number {
  return (s(db).pending.get(Number.MAX_SAFE_INTEGER) as { messages: number }).messages;
}

/** As pendingUnits, counting at most `cap` insertions (`capped`: more wait), for a view that refreshes often. */
export function pendingUnitsCapped(db: Db, cap: number): { messages: number; capped: boolean } {
  const r = s(db).pending.get(cap + 1) as { insertions: number; messages: number };
  return r.insertions > cap ? { messages: r.messages, capped: true } : { messages: r.messages, capped: false };
}

/** When the oldest insertion waiting to be published ended, or null. */
export function oldestPendingUnit(db: Db): string | null {
  return (s(db).oldestPending.get() as string | null | undefined) ?? null;
}

/**
 * Insertions published as of `cursor` (read by the caller before: rows the publisher passes meanwhile wait for the
 * next look) with ids above `after`, oldest first (what `mes tail` prints).
 */
export function sentUnitRows(db: Db, after: number, limit: number, cursor: UnitCursor): MesUnitRow[] {
  return s(db).sent.all(after, cursor.through, JSON.stringify(cursor.open), limit) as MesUnitRow[];
}

/** The id below the newest `skip` published insertions (where `mes tail -n` starts), or 0. */
export function sentUnitsStart(db: Db, skip: number): number {
  const id = s(db).lastSent.get(skip) as number | undefined;
  return id ?? 0;
}
