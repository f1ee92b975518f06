import type { Db } from '../db/open.js';
import { statements } from './statements.js';

/** A registered programmer as stored, with its driver options parsed. */
export interface ProgrammerRow {
  id: number;
  name: string;
  driver: string;
  model: string;
  serial: string;
  sites: number;
  options: Record<string, unknown>;
}

/** A registered programmer with the family of its model. */
export interface ProgrammerOfFamily extends ProgrammerRow {
  family: string;
}

/** What a new programmer row holds. */
export interface NewProgrammerRow {
  name: string;
  driver: string;
  model: string;
  serial: string;
  sites: number;
  options: Record<string, unknown>;
}

const WITH_FAMILY = `SELECT p.id, p.name, p.driver, p.model, m.family, p.serial, p.sites, p.options
  FROM programmers p JOIN programmer_models m ON m.model = p.model`;

const FAMILY = {};

function prepare(db: Db) {
  return {
    all: db.prepare('SELECT id, name, driver, model, serial, sites, options FROM programmers ORDER BY id'),
    byName: db.prepare('SELECT id, name, driver, model, serial, sites, options FROM programmers WHERE name = ?'),
    withFamilyByName: db.prepare(`${WITH_FAMILY} WHERE p.name = ?`),
    withFamily: db.prepare(`${WITH_FAMILY} ORDER BY p.name`),
    names: db.prepare('SELECT name FROM programmers').pluck(),
    nameById: db.prepare('SELECT name FROM programmers WHERE id = ?').pluck(),
    nameBySerial: db.prepare('SELECT name FROM programmers WHERE serial = ?').pluck(),
    insert: db.prepare('INSERT INTO programmers (name, driver, model, serial, sites, options) VALUES (?, ?, ?, ?, ?, ?)'),
    setOptions: db.prepare('UPDATE programmers SET options = ? WHERE id = ?'),
    remove: db.prepare('DELETE FROM programmers WHERE id = ?'),
  };
}

const s = (db: Db) => statements(db, FAMILY, prepare);

function parsed<T extends { options: string }>(r: T): Omit<T, 'options'> & { options: Record<string, unknown> } {
  return { ...r, options: JSON.parse(r.options) as Record<string, unknown> };
}

/** Every registered programmer, in id order. */
export function programmerRows(db: Db): ProgrammerRow[] {
  return (s(db).all.all() as (Omit<ProgrammerRow, 'options'> & { options: string })[]).map(parsed);
}

/** The programmer named `name`, or undefined. */
export function programmerByName(db: Db, name: string): ProgrammerRow | undefined {
  const r = s(db).byName.get(name) as (Omit<ProgrammerRow, 'options'> & { options: string }) | undefined;
  return r && parsed(r);
}

/** The programmer named `name` with its model's family, or undefined. */
export function programmerOfFamilyByName(db: Db, name: string): ProgrammerOfFamily | undefined {
  const r = s(db).withFamilyByName.get(name) as (Omit<ProgrammerOfFamily, 'options'> & { options: string }) | undefined;
  return r && parsed(r);
}

/** Every programmer with its model's family, by name. */
export function programmersOfFamily(db: Db): ProgrammerOfFamily[] {
  return (s(db).withFamily.all() as (Omit<ProgrammerOfFamily, 'options'> & { options: string })[]).map(parsed);
}

/** The names of every programmer. */
export function programmerNames(db: Db): string[] {
  return s(db).names.all() as string[];
}

/** The name of the programmer with id `id`, or undefined. */
export function programmerNameById(db: Db, id: number): string | undefined {
  return s(db).nameById.get(id) as string | undefined;
}

/** The name of the programmer with serial number `serial`, or undefined. */
export function programmerNameBySerial(db: Db, serial: string): string | undefined {
  return s(db).nameBySerial.get(serial) as string | undefined;
}

/** Adds a programmer row (its sites are added apart); returns its id. */
export function insertProgrammer(db: Db, p: NewProgrammerRow): number {
  return Number(s(db).insert.run(p.name, p.driver, p.model, p.serial, p.sites, JSON.stringify(p.options)).lastInsertRowid);
}

/** Replaces a programmer's driver options. */
export function setProgrammerOptions(db: Db, id: number, options: Record<string, unknown>): void {
  s(db).setOptions.run(JSON.stringify(options), id);
}

/** Deletes a programmer row. */
export function deleteProgrammer(db: Db, id: number): void {
  s(db).remove.run(id);
}
