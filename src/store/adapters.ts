import type { Db } from '../db/open.js';
import { statements } from './statements.js';

/** One physical adapter as stored. */
export interface AdapterRecord {
  id: number;
  serial: string;
  type: string;
  programmerId: number | null;
  site: number | null;
  status: 'ok' | 'retired';
}

/** An adapter with its type, its programmer and its wear, as the inventory shows it. */
export interface AdapterWearRecord {
  id: number;
  serial: string;
  type: string;
  package: string;
  typeSites: number;
  programmer: string | null;
  programmerId: number | null;
  programmerFamily: string | null;
  site: number | null;
  /** The stored status ('ok' or 'retired'). */
  stored: string;
  overrideLife: boolean;
  socketSince: string;
  /** When the adapter was registered (ISO). */
  createdAt: string;
  /** Insertions its socket had before it was registered (or before its socket was last replaced: 0). */
  priorInsertions: number;
  rated: number;
  /** Insertions on the current receptacle (prior insertions included). */
  insertions: number;
}

/** A mounted adapter covering sites `site`..`site + sites - 1`. */
export interface MountedRecord {
  serial: string;
  site: number;
  sites: number;
}

const FAMILY = {};

function prepare(db: Db) {
  return {
    bySerial: db.prepare('SELECT id, serial, adapter_type AS type, programmer_id AS programmerId, site, status FROM adapters WHERE serial = ?'),
    serials: db.prepare('SELECT serial FROM adapters').pluck(),
    mountedSerials: db.prepare('SELECT serial FROM adapters WHERE programmer_id IS NOT NULL').pluck(),
    onProgrammer: db.prepare('SELECT id, serial FROM adapters WHERE programmer_id = ? ORDER BY site'),
    insert: db.prepare('INSERT INTO adapters (serial, adapter_type, prior_insertions) VALUES (?, ?, ?)'),
    overlapping: db.prepare(
      `SELECT a.serial, a.site, t.sites FROM adapters a JOIN adapter_types t ON t.id = a.adapter_type
        WHERE a.programmer_id = ? AND a.site <= ? AND a.site + t.sites - 1 >= ?`,
    ),
    mount: db.prepare('UPDATE adapters SET programmer_id = ?, site = ? WHERE id = ?'),
    unmount: db.prepare('UPDATE adapters SET programmer_id = NULL, site = NULL WHERE id = ?'),
    retire: db.prepare("UPDATE adapters SET status = 'retired', programmer_id = NULL, site = NULL WHERE id = ?"),
    replacement: db.prepare('INSERT INTO socket_replacements (adapter_id, at, insertions_before) VALUES (?, ?, ?)'),
    newSocket: db.prepare("UPDATE adapters SET socket_since = ?, prior_insertions = 0, override_life = 0, status = 'ok' WHERE id = ?"),
    override: db.prepare('UPDATE adapters SET override_life = 1 WHERE id = ?'),
    insertions: db.prepare(
      `SELECT a.prior_insertions + coalesce((SELECT since_socket FROM adapter_totals t WHERE t.adapter_id = a.id), 0) AS n
         FROM adapters a WHERE a.id = ?`,
    ).pluck(),
    wear: db.prepare(
      `SELECT a.id, a.serial, a.adapter_type AS type, t.package, t.sites AS typeSites, p.name AS programmer, a.programmer_id AS programmerId,
              m.family AS programmerFamily, a.site, a.status AS stored, a.override_life AS overrideLife, a.socket_since AS socketSince, a.created_at AS createdAt, a.prior_insertions AS priorInsertions,
              t.rated_insertions AS rated,
              a.prior_insertions + coalesce((SELECT since_socket FROM adapter_totals t WHERE t.adapter_id = a.id), 0) AS insertions
         FROM adapters a JOIN adapter_types t ON t.id = a.adapter_type
         LEFT JOIN programmers p ON p.id = a.programmer_id LEFT JOIN programmer_models m ON m.model = p.model
        ORDER BY a.serial`,
    ),
  };
}

const s = (db: Db) => statements(db, FAMILY, prepare);

/** The adapter with serial `serial`, or undefined. */
export function adapterBySerial(db: Db, serial: string): AdapterRecord | undefined {
  return s(db).bySerial.get(serial) as AdapterRecord | undefined;
}

/** Every adapter serial. */
export function adapterSerials(db: Db): string[] {
  return s(db).serials.all() as string[];
}

/** The serials of every mounted adapter. */
export function mountedAdapterSerials(db: Db): string[] {
  return s(db).mountedSerials.all() as string[];
}

/** The adapters mounted on a programmer, by site. */
export function adaptersOnProgrammer(db: Db, programmerId: number): { id: number; serial: string }[] {
  return s(db).onProgrammer.all(programmerId) as { id: number; serial: string }[];
}

/** Adds an adapter (on the shelf); returns its id. */
export function insertAdapter(db: Db, serial: string, type: string, priorInsertions: number): number {
  return Number(s(db).insert.run(serial, type, priorInsertions).lastInsertRowid);
}

/** A mounted adapter of a programmer that covers any site in `first`..`last`, or undefined. */
export function adapterOverlapping(db: Db, programmerId: number, first: number, last: number): MountedRecord | undefined {
  return s(db).overlapping.get(programmerId, last, first) as MountedRecord | undefined;
}

/** Mounts an adapter on a programmer from `site` on. */
export function setAdapterMount(db: Db, adapterId: number, programmerId: number, site: number): void {
  s(db).mount.run(programmerId, site, adapterId);
}

/** Takes an adapter off its programmer. */
export function clearAdapterMount(db: Db, adapterId: number): void {
  s(db).unmount.run(adapterId);
}

/** Marks an adapter retired (and off its programmer). */
export function setAdapterRetired(db: Db, adapterId: number): void {
  s(db).retire.run(adapterId);
}

/** Records a new socket receptacle at `at`: the old count is kept, wear restarts, the override and retirement end. Call inside a transaction. */
export function recordSocketReplacement(db: Db, adapterId: number, at: string, insertionsBefore: number): void {
  s(db).replacement.run(adapterId, at, insertionsBefore);
  s(db).newSocket.run(at, adapterId);
}

/** Allows an adapter past its rated life. */
export function setAdapterOverride(db: Db, adapterId: number): void {
  s(db).override.run(adapterId);
}

/** Insertions on an adapter's current receptacle (attempts since its socket, plus prior insertions); 0 for an unknown id. */
export function adapterInsertionCount(db: Db, adapterId: number): number {
  return (s(db).insertions.get(adapterId) as number | undefined) ?? 0;
}

/** Every adapter with its type, programmer and wear, by serial. */
export function adapterWearRecords(db: Db): AdapterWearRecord[] {
  return (s(db).wear.all() as (Omit<AdapterWearRecord, 'overrideLife'> & { overrideLife: number })[]).map((r) => ({ ...r, overrideLife: r.overrideLife === 1 }));
}
