import type { Db } from '../db/open.js';
import type { ProgrammerSpec } from '../programmers/spec.js';
import { InventoryError } from '../errors.js';
import { nearest } from '../catalog/suggest.js';
import { audit } from './events.js';
import { atomically } from '../store/atomic.js';
import { adaptersOnProgrammer, clearAdapterMount } from '../store/adapters.js';
import { attemptsOnProgrammer } from '../store/attempts.js';
import { programmerModel, programmerModelNames } from '../store/catalog.js';
import {
  deleteProgrammer,
  insertProgrammer,
  programmerByName,
  programmerNameBySerial,
  programmerNames,
  programmerOfFamilyByName,
  programmersOfFamily,
} from '../store/programmers.js';
import { insertSites } from '../store/sites.js';

/** What `addProgrammer` needs: the driver spec (its driver must be the model's, its sites within the model's). */
export type NewProgrammer = ProgrammerSpec;

/** A registered programmer: its spec, database id and family. */
export interface Programmer extends ProgrammerSpec {
  id: number;
  family: string;
  options: Record<string, unknown>;
}

/** Registers a programmer and its sites (numbered 0..sites-1, as drivers number them). */
export function addProgrammer(db: Db, p: NewProgrammer): Programmer {
  const model = programmerModel(db, p.model);
  if (!model) {
    const near = nearest(p.model, programmerModelNames(db));
    throw new InventoryError('unknown-model', `unknown programmer model "${p.model}"${near.length ? `; did you mean ${near.join(', ')}?` : '; run `gangflash db init` to load the catalog'}`);
  }
  if (p.driver !== model.driver) throw new InventoryError('driver-mismatch', `model ${p.model} is driven by "${model.driver}", not "${p.driver}"; pass --driver ${model.driver}`);
  if (!Number.isInteger(p.sites) || p.sites < 1 || p.sites > model.sites)
    throw new InventoryError('bad-sites', `sites must be a whole number from 1 to ${model.sites} for model ${p.model}, got ${p.sites}`);
  if (!p.name.trim()) throw new InventoryError('bad-name', 'programmer name must not be empty');
  return atomically(db, () => {
    if (programmerByName(db, p.name)) throw new InventoryError('programmer-exists', `a programmer named "${p.name}" already exists; pick another --name`);
    if (programmerNameBySerial(db, p.serial) !== undefined) throw new InventoryError('programmer-exists', `a programmer with serial "${p.serial}" already exists`);
    const id = insertProgrammer(db, { name: p.name, driver: p.driver, model: p.model, serial: p.serial, sites: p.sites, options: p.options ?? {} });
    insertSites(db, id, p.sites);
    audit(db, { code: 'programmer-added', programmerId: id, message: `programmer ${p.name} (${p.model}, ${p.sites} sites) added` });
    return getProgrammer(db, p.name);
  });
}

/** The programmer named `name`; unknown names throw with the nearest names. */
export function getProgrammer(db: Db, name: string): Programmer {
  const r = programmerOfFamilyByName(db, name);
  if (r) return r;
  const near = nearest(name, programmerNames(db));
  throw new InventoryError('unknown-programmer', `no programmer named "${name}"${near.length ? `; did you mean ${near.join(', ')}?` : '; see `gangflash programmers list`'}`);
}

/** Every registered programmer, by name. */
export function listProgrammers(db: Db): Programmer[] {
  return programmersOfFamily(db);
}

/** Options for `removeProgrammer`. */
export interface RemoveOptions {
  /** Unmount its adapters (they go to the shelf) instead of refusing. @default false */
  unmount?: boolean;
}

/** Removes a programmer; refused while adapters are mounted (unless `unmount`) or when attempts refer to it. */
export function removeProgrammer(db: Db, name: string, opts: RemoveOptions = {}): { unmounted: string[] } {
  const p = getProgrammer(db, name);
  return atomically(db, () => {
    const mounted = adaptersOnProgrammer(db, p.id);
    if (mounted.length && !opts.unmount)
      throw new InventoryError('programmer-has-adapters', `programmer ${name} still carries adapter(s) ${mounted.map((a) => a.serial).join(', ')}; unmount them or pass --unmount`);
    const history = attemptsOnProgrammer(db, p.id);
    if (history > 0) throw new InventoryError('programmer-has-history', `programmer ${name} has ${history} recorded attempts; it stays for traceability (disable its sites instead)`);
    for (const a of mounted) {
      clearAdapterMount(db, a.id);
      audit(db, { code: 'adapter-unmounted', adapterId: a.id, message: `adapter ${a.serial} unmounted from ${name} (programmer removed)` });
    }
    deleteProgrammer(db, p.id);
    audit(db, { code: 'programmer-removed', message: `programmer ${name} (${p.model}, serial ${p.serial}) removed` });
    return { unmounted: mounted.map((a) => a.serial) };
  });
}
