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

/**
 * Makes the database's programmers and adapter mounts match a farm file, in one transaction: new programmers are
 * registered, driver options of known ones are updated, and each listed adapter (already in the inventory) is
 * mounted on its site. A programmer whose model, driver or site count differs is refused, as is an unknown adapter.
 */
export function syncFarm(db: Db, farm: FarmSpec): FarmSyncResult {
  const out: FarmSyncResult = { added: [], updated: [], mounted: [] };
  const where = farm.file ? { file: farm.file } : {};
  atomically(db, () => {
    farm.programmers.forEach((p, i) => {
      const row = programmerByName(db, p.name);
      if (!row) {
        addProgrammer(db, { name: p.name, driver: p.driver, model: p.model, serial: p.serial, sites: p.sites, options: p.options });
        out.added.push(p.name);
      } else {
        if (row.driver !== p.driver || row.model !== p.model || row.sites !== p.sites) {
          throw new FarmError(
            'farm-mismatch',
            `programmers[${i}] ${p.name} is registered as ${row.model} (${row.driver}, ${row.sites} sites), not ${p.model} (${p.driver}, ${p.sites} sites); rename it or remove the old one with \`gangflash programmers remove ${p.name}\``,
            where,
          );
        }
        if (JSON.stringify(row.options) !== JSON.stringify(p.options)) {
          setProgrammerOptions(db, row.id, p.options);
          out.updated.push(p.name);
        }
      }
      p.adapters.forEach((serial, site) => {
        if (serial === null) return;
        let a;
        try {
          a = getAdapter(db, serial);
        } catch {
          throw new FarmError('farm-unknown-adapter', `programmers[${i}].adapters[${site}]: adapter ${serial} is not in the inventory; add it with \`gangflash adapters add --type TYPE --serial ${serial}\``, where);
        }
        const pid = programmerByName(db, p.name)!.id;
        if (a.programmerId === pid && a.site === site) return;
        if (a.programmerId !== null) unmountAdapter(db, serial);
        mountAdapter(db, serial, p.name, site);
        out.mounted.push(`${serial}@${p.name}:${site}`);
      });
    });
  });
  return out;
}
