import type { Db } from '../db/open.js';
import type { ProgrammerSpec } from '../programmers/spec.js';
import { InventoryError } from '../errors.js';
import { nearest } from '../catalog/suggest.js';
import { audit } from './events.js';

/** What `addProgrammer` needs: the driver spec (its driver must be the model's, its sites within the model's). */
export type NewProgrammer = ProgrammerSpec;

/** A registered programmer: its spec, database id and family. */
export interface Programmer extends ProgrammerSpec {
  id: number;
  family: string;
  options: Record<string, unknown>;
}

const selectSql = `SELECT p.id, p.name, p.driver, p.model, m.family, p.serial, p.sites, p.options
  FROM programmers p JOIN programmer_models m ON m.model = p.model`;

function fromRow(r: Omit<Programmer, 'options'> & { options: string }): Programmer {
  return { ...r, options: JSON.parse(r.options) as Record<string, unknown> };
}

/** Registers a programmer and its sites (numbered 0..sites-1, as drivers number them). */
export function addProgrammer(db: Db, p: NewProgrammer): Programmer {
  const model = db.prepare('SELECT model, driver, sites FROM programmer_models WHERE model = ?').get(p.model) as
    | { model: string; driver: string; sites: number } | undefined;
  if (!model) {
    const near = nearest(p.model, db.prepare('SELECT model FROM programmer_models').pluck().all() as string[]);
    throw new InventoryError('unknown-model', `unknown programmer model "${p.model}"${near.length ? `; did you mean ${near.join(', ')}?` : '; run `gangflash db init` to load the catalog'}`);
  }
  if (p.driver !== model.driver) throw new InventoryError('driver-mismatch', `model ${p.model} is driven by "${model.driver}", not "${p.driver}"; pass --driver ${model.driver}`);
  if (!Number.isInteger(p.sites) || p.sites < 1 || p.sites > model.sites)
    throw new InventoryError('bad-sites', `sites must be a whole number from 1 to ${model.sites} for model ${p.model}, got ${p.sites}`);
  if (!p.name.trim()) throw new InventoryError('bad-name', 'programmer name must not be empty');
  return db.transaction(() => {
    if (db.prepare('SELECT 1 FROM programmers WHERE name = ?').get(p.name)) throw new InventoryError('programmer-exists', `a programmer named "${p.name}" already exists; pick another --name`);
    if (db.prepare('SELECT 1 FROM programmers WHERE serial = ?').get(p.serial)) throw new InventoryError('programmer-exists', `a programmer with serial "${p.serial}" already exists`);
    const id = Number(db.prepare('INSERT INTO programmers (name, driver, model, serial, sites, options) VALUES (?, ?, ?, ?, ?, ?)')
      .run(p.name, p.driver, p.model, p.serial, p.sites, JSON.stringify(p.options ?? {})).lastInsertRowid);
    const site = db.prepare('INSERT INTO sites (programmer_id, site) VALUES (?, ?)');
    for (let s = 0; s < p.sites; s++) site.run(id, s);
    audit(db, { code: 'programmer-added', programmerId: id, message: `programmer ${p.name} (${p.model}, ${p.sites} sites) added` });
    return getProgrammer(db, p.name);
  })();
}

/** The programmer named `name`; unknown names throw with the nearest names. */
export function getProgrammer(db: Db, name: string): Programmer {
  const r = db.prepare(`${selectSql} WHERE p.name = ?`).get(name) as (Omit<Programmer, 'options'> & { options: string }) | undefined;
  if (r) return fromRow(r);
  const near = nearest(name, db.prepare('SELECT name FROM programmers').pluck().all() as string[]);
  throw new InventoryError('unknown-programmer', `no programmer named "${name}"${near.length ? `; did you mean ${near.join(', ')}?` : '; see `gangflash programmers list`'}`);
}

/** Every registered programmer, by name. */
export function listProgrammers(db: Db): Programmer[] {
  return (db.prepare(`${selectSql} ORDER BY p.name`).all() as (Omit<Programmer, 'options'> & { options: string })[]).map(fromRow);
}

/** Options for `removeProgrammer`. */
export interface RemoveOptions {
  /** Unmount its adapters (they go to the shelf) instead of refusing. @default false */
  unmount?: boolean;
}

/** Removes a programmer; refused while adapters are mounted (unless `unmount`) or when attempts refer to it. */
export function removeProgrammer(db: Db, name: string, opts: RemoveOptions = {}): { unmounted: string[] } {
  const p = getProgrammer(db, name);
  return db.transaction(() => {
    const mounted = db.prepare('SELECT id, serial FROM adapters WHERE programmer_id = ? ORDER BY site').all(p.id) as { id: number; serial: string }[];
    if (mounted.length && !opts.unmount)
      throw new InventoryError('programmer-has-adapters', `programmer ${name} still carries adapter(s) ${mounted.map((a) => a.serial).join(', ')}; unmount them or pass --unmount`);
    const history = db.prepare('SELECT count(*) FROM attempts WHERE programmer_id = ?').pluck().get(p.id) as number;
    if (history > 0) throw new InventoryError('programmer-has-history', `programmer ${name} has ${history} recorded attempts; it stays for traceability (disable its sites instead)`);
    for (const a of mounted) {
      db.prepare('UPDATE adapters SET programmer_id = NULL, site = NULL WHERE id = ?').run(a.id);
      audit(db, { code: 'adapter-unmounted', adapterId: a.id, message: `adapter ${a.serial} unmounted from ${name} (programmer removed)` });
    }
    db.prepare('DELETE FROM programmers WHERE id = ?').run(p.id);
    audit(db, { code: 'programmer-removed', message: `programmer ${name} (${p.model}, serial ${p.serial}) removed` });
    return { unmounted: mounted.map((a) => a.serial) };
  })();
}
