import type { Db } from '../db/open.js';
import { InventoryError } from '../errors.js';
import { getAdapterType } from '../catalog/adapter-types.js';
import { nearest } from '../catalog/suggest.js';
import { audit } from './events.js';
import { getProgrammer } from './programmers.js';
import { adapterInsertions } from './wear.js';
import { atomically } from '../store/atomic.js';
import {
  adapterBySerial,
  adapterOverlapping,
  adapterSerials,
  clearAdapterMount,
  insertAdapter,
  recordSocketReplacement,
  setAdapterMount,
  setAdapterOverride,
  setAdapterRetired,
} from '../store/adapters.js';
import { programmerNameById } from '../store/programmers.js';
import { OperatorActs } from '../mes/operator-acts.js';

/** One physical adapter as stored. */
export interface AdapterRow {
  id: number;
  serial: string;
  type: string;
  programmerId: number | null;
  site: number | null;
  status: 'ok' | 'retired';
}

/** What `addAdapter` needs. */
export interface NewAdapter {
  /** Adapter type id from the catalog. */
  type: string;
  /** The adapter's serial number, unique. */
  serial: string;
  /** Insertions its receptacle already had before gangflash tracked it. @default 0 */
  priorInsertions?: number;
}

/** The adapter with serial `serial`; unknown serials throw with the nearest serials. */
export function getAdapter(db: Db, serial: string): AdapterRow {
  const r = adapterBySerial(db, serial);
  if (r) return r;
  const near = nearest(serial, adapterSerials(db));
  throw new InventoryError('unknown-adapter', `no adapter with serial "${serial}"${near.length ? `; did you mean ${near.join(', ')}?` : '; see `gangflash adapters inventory`'}`);
}

/** Registers a physical adapter of a catalog type (on the shelf). */
export function addAdapter(db: Db, a: NewAdapter): AdapterRow {
  const type = getAdapterType(db, a.type);
  const prior = a.priorInsertions ?? 0;
  if (!Number.isInteger(prior) || prior < 0) throw new InventoryError('bad-insertions', `prior insertions must be a whole number >= 0, got ${prior}`);
  if (adapterBySerial(db, a.serial)) throw new InventoryError('adapter-exists', `an adapter with serial "${a.serial}" already exists`);
  const id = insertAdapter(db, a.serial, type.id, prior);
  audit(db, { code: 'adapter-added', adapterId: id, message: `adapter ${a.serial} (${type.id}) added` });
  return getAdapter(db, a.serial);
}

/** Mounts an adapter on a programmer from `site` on; refused for a wrong family, occupied or out-of-range sites, or a retired adapter. */
export function mountAdapter(db: Db, serial: string, programmerName: string, site: number): AdapterRow {
  return atomically(db, () => {
    const a = getAdapter(db, serial);
    const p = getProgrammer(db, programmerName);
    const type = getAdapterType(db, a.type);
    if (a.status === 'retired') throw new InventoryError('adapter-retired', `adapter ${serial} is retired; replace its socket or use another adapter`);
    if (a.programmerId !== null) {
      const where = programmerNameById(db, a.programmerId);
      throw new InventoryError('adapter-mounted', `adapter ${serial} is already mounted on ${where}:${a.site}; unmount it first`);
    }
    if (!type.families.includes(p.family))
      throw new InventoryError('adapter-wrong-family', `adapter type ${type.id} plugs into ${type.families.join(', ')}, not into ${p.name} (family ${p.family})`);
    const last = site + type.sites - 1;
    if (!Number.isInteger(site) || site < 0 || last >= p.sites)
      throw new InventoryError('site-out-of-range', `adapter type ${type.id} needs sites ${site}..${last} but ${p.name} has sites 0..${p.sites - 1}`);
    const clash = adapterOverlapping(db, p.id, site, last);
    if (clash)
      throw new InventoryError('site-occupied', `${p.name} sites ${clash.site}..${clash.site + clash.sites - 1} are occupied by adapter ${clash.serial}; unmount it or pick another site`);
    setAdapterMount(db, a.id, p.id, site);
    audit(db, { code: 'adapter-mounted', adapterId: a.id, programmerId: p.id, site, message: `adapter ${serial} mounted on ${p.name}:${site}` });
    return getAdapter(db, serial);
  });
}

/** Takes an adapter off its programmer (to the shelf). */
export function unmountAdapter(db: Db, serial: string): AdapterRow {
  const a = getAdapter(db, serial);
  if (a.programmerId === null) throw new InventoryError('adapter-not-mounted', `adapter ${serial} is not mounted`);
  clearAdapterMount(db, a.id);
  audit(db, { code: 'adapter-unmounted', adapterId: a.id, programmerId: a.programmerId, site: a.site, message: `adapter ${serial} unmounted` });
  return getAdapter(db, serial);
}

/** Retires an adapter: unmounted and never mounted again until its socket is replaced. */
export function retireAdapter(db: Db, serial: string, reason = 'retired by operator'): AdapterRow {
  const a = getAdapter(db, serial);
  if (a.status === 'retired') throw new InventoryError('adapter-retired', `adapter ${serial} is already retired`);
  setAdapterRetired(db, a.id);
  audit(db, { code: 'adapter-retired', adapterId: a.id, message: `adapter ${serial} retired: ${reason}` });
  return getAdapter(db, serial);
}

/** Records a new socket receptacle: insertions restart from zero, the old count is kept in socket_replacements. */
export function replaceSocket(db: Db, serial: string, at: string = new Date().toISOString()): { serial: string; insertionsBefore: number } {
  return atomically(db, () => {
    const a = getAdapter(db, serial);
    const before = adapterInsertions(db, a.id);
    recordSocketReplacement(db, a.id, at, before);
    new OperatorActs(db).socketReplaced(a.id, at); // MES: the adapter-life faults clear, the counter restarts
    audit(db, { code: 'socket-replaced', adapterId: a.id, message: `adapter ${serial}: socket replaced after ${before} insertions` });
    return { serial, insertionsBefore: before };
  });
}

/** Allows an adapter past its rated life (until its socket is replaced); the override is recorded with its reason. */
export function overrideLife(db: Db, serial: string, reason: string, by: string | null = null): AdapterRow {
  const a = getAdapter(db, serial);
  if (!reason.trim()) throw new InventoryError('override-reason', 'an override needs a reason (--reason TEXT)');
  atomically(db, () => {
    setAdapterOverride(db, a.id);
    new OperatorActs(db).lifeOverridden(a.id, by); // MES: the adapter-life faults are acknowledged
    audit(db, { code: 'override', adapterId: a.id, actor: by, message: `adapter ${serial} allowed past rated life${by ? ` by ${by}` : ''}: ${reason}` });
  });
  return getAdapter(db, serial);
}

/** Registers an adapter and, when `at` is given, mounts it there, in one transaction (both or neither). */
export function addAdapterMounted(db: Db, spec: Parameters<typeof addAdapter>[1], at: { programmer: string; site: number } | null): AdapterRow {
  return atomically(db, () => {
    addAdapter(db, spec);
    if (at) mountAdapter(db, spec.serial, at.programmer, at.site);
    return getAdapter(db, spec.serial);
  });
}
