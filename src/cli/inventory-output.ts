import { say, table } from './output.js';
import type { AdapterStatus } from '../inventory/wear.js';

/** One line of the adapter inventory: a station's AdapterState, or the hub's view of an adapter. */
export interface InventoryLine {
  serial: string;
  type: string;
  programmer: string | null;
  site: number | null;
  insertions: number;
  rated: number | null;
  lifeLeftPct: number | null;
  status: AdapterStatus;
  overrideLife: boolean;
}

const where = (a: InventoryLine) => (a.programmer === null ? 'shelf' : `${a.programmer}:${a.site}`);

/** Prints the adapter inventory as `adapters inventory` does (the same for a station's database and for the hub). */
export function printInventory(adapters: InventoryLine[]): void {
  if (adapters.length === 0) return say('no adapters yet; add one with `gangflash adapters add --type T --serial S`');
  say(table(adapters, [
    { header: 'serial', get: (a) => a.serial },
    { header: 'type', get: (a) => a.type },
    { header: 'mounted on', get: where },
    { header: 'used', get: (a) => a.insertions, align: 'right' },
    { header: 'rated', get: (a) => a.rated ?? '-', align: 'right' },
    { header: 'life left', get: (a) => (a.lifeLeftPct === null ? '-' : `${a.lifeLeftPct}%`), align: 'right' },
    { header: 'status', get: (a) => a.status + (a.overrideLife ? ' (override)' : '') },
  ]));
}
