import type { Db } from '../db/open.js';
import { statements } from './statements.js';

/** Prices on adapter types (catalog list price) and on physical adapters (what one cost); null where unknown. */
export interface AdapterPrices {
  /** Adapter type id → list price. */
  types: Map<string, number | null>;
  /** Adapter serial → its own price. */
  adapters: Map<string, number | null>;
}

const FAMILY = {};

function prepare(db: Db) {
  return {
    types: db.prepare('SELECT id, price FROM adapter_types'),
    adapters: db.prepare('SELECT serial, price FROM adapters'),
    set: db.prepare('UPDATE adapters SET price = ? WHERE serial = ?'),
  };
}

/** Every adapter type's and adapter's price (one row per catalog type and per adapter owned). */
export function adapterPrices(db: Db): AdapterPrices {
  const s = statements(db, FAMILY, prepare);
  const types = s.types.all() as { id: string; price: number | null }[];
  const adapters = s.adapters.all() as { serial: string; price: number | null }[];
  return { types: new Map(types.map((t) => [t.id, t.price])), adapters: new Map(adapters.map((a) => [a.serial, a.price])) };
}

/** Sets (or with null clears) what the adapter `serial` cost; false when no adapter has that serial. */
export function setAdapterPrice(db: Db, serial: string, price: number | null): boolean {
  return statements(db, FAMILY, prepare).set.run(price, serial).changes === 1;
}
