import type { Command } from 'commander';
import { hubAdapterWear } from '../hub/store/adapter-wear.js';
import { adapterStatus, lifeLeftPct } from '../inventory/wear.js';
import { withHub } from './hub-context.js';
import type { InventoryLine } from './inventory-output.js';

/** An adapter of the hub's inventory: the station's inventory line plus the station it is at. */
export interface HubInventoryLine extends InventoryLine {
  station: string | null;
}

/**
 * `adapters inventory --hub`: every station's adapters with their wear computed as a station computes it, from the
 * insertions every station uploaded since the socket receptacle its station last reported (and its prior insertions).
 */
export async function hubInventory(cmd: Command): Promise<HubInventoryLine[]> {
  const rows = await withHub(cmd, (hub) => hubAdapterWear(hub));
  return rows.map(({ stored, ...r }) => ({
    ...r,
    lifeLeftPct: r.rated === null ? null : lifeLeftPct(r.insertions, r.rated),
    status: r.rated === null ? (stored === 'retired' ? 'retired' : 'ok') : adapterStatus(stored, r.insertions, r.rated, r.overrideLife),
  }));
}
