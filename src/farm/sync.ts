import type { Db } from '../db/open.js';
import { FarmError } from '../errors.js';
import { addProgrammer, getAdapter, mountAdapter, unmountAdapter } from '../inventory/index.js';
import type { FarmSpec } from './schema.js';
import { atomically } from '../store/atomic.js';
import { programmerByName, setProgrammerOptions } from '../store/programmers.js';

/** What syncing a farm file changed in the database. */
export interface FarmSyncResult {
  added: string[];
  updated: string[];
  mounted: string[];
}

/** One change a farm file asks of the database. */
type FarmChange =
  | { kind: 'add'; p: FarmSpec['programmers'][number] }
  | { kind: 'options'; id: number; p: FarmSpec['programmers'][number] }
  | { kind: 'mount'; serial: string; programmer: string; site: number };

/**
 * Makes the database's programmers and adapter mounts match a farm file, in one transaction: new programmers are
 * registered, driver options of known ones are updated, and each listed adapter (already in the inventory) is
 * mounted on its site. A programmer whose model, driver or site count differs is refused, as is an unknown adapter.
 * A farm the database already matches is only read: it takes no write lock, so a run started while another process
 * holds the database's write lock (a paused run) is told who holds its lot instead of "database is locked".
 */
export function syncFarm(db: Db, farm: FarmSpec): FarmSyncResult {
  const out: FarmSyncResult = { added: [], updated: [], mounted: [] };
  if (farmChanges(db, farm).length === 0) return out;
  atomically(db, () => {
    for (const c of farmChanges(db, farm)) {
      if (c.kind === 'add') {
        const p = c.p;
        addProgrammer(db, { name: p.name, driver: p.driver, model: p.model, serial: p.serial, sites: p.sites, options: p.options });
        out.added.push(p.name);
      } else if (c.kind === 'options') {
        setProgrammerOptions(db, c.id, c.p.options);
        out.updated.push(c.p.name);
      } else {
        // Judged again here: an adapter the farm lists twice moves as the list says.
        const a = getAdapter(db, c.serial);
        if (a.programmerId === programmerByName(db, c.programmer)!.id && a.site === c.site) continue;
        if (a.programmerId !== null) unmountAdapter(db, c.serial);
        mountAdapter(db, c.serial, c.programmer, c.site);
        out.mounted.push(`${c.serial}@${c.programmer}:${c.site}`);
      }
    }
  });
  return out;
}

/** The changes `farm` asks of the database, in order (reads only); throws the farm's refusals. */
function farmChanges(db: Db, farm: FarmSpec): FarmChange[] {
  const where = farm.file ? { file: farm.file } : {};
  const changes: FarmChange[] = [];
  farm.programmers.forEach((p, i) => {
    const row = programmerByName(db, p.name);
    if (!row) changes.push({ kind: 'add', p });
    else {
      if (row.driver !== p.driver || row.model !== p.model || row.sites !== p.sites) {
        throw new FarmError(
          'farm-mismatch',
          `programmers[${i}] ${p.name} is registered as ${row.model} (${row.driver}, ${row.sites} sites), not ${p.model} (${p.driver}, ${p.sites} sites); rename it or remove the old one with \`gangflash programmers remove ${p.name}\``,
          where,
        );
      }
      if (JSON.stringify(row.options) !== JSON.stringify(p.options)) changes.push({ kind: 'options', id: row.id, p });
    }
    p.adapters.forEach((serial, site) => {
      if (serial === null) return;
      let a;
      try {
        a = getAdapter(db, serial);
      } catch {
        throw new FarmError('farm-unknown-adapter', `programmers[${i}].adapters[${site}]: adapter ${serial} is not in the inventory; add it with \`gangflash adapters add --type TYPE --serial ${serial}\``, where);
      }
      if (row && a.programmerId === row.id && a.site === site) return;
      changes.push({ kind: 'mount', serial, programmer: p.name, site });
    });
  });
  return changes;
}
