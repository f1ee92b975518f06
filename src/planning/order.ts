import type { FarmSite } from '../inventory/usable-sites.js';
import type { OrderLine, PlanAdapter, PlanAdapterType } from './types.js';

/** What the order is computed from. */
export interface OrderInput {
  types: PlanAdapterType[];
  adapters: PlanAdapter[];
  sites: FarmSite[];
  /** Healthy sites missing to meet a deadline (0 or absent when none). */
  sitesMissing?: number | null;
}

/**
 * Adapters to buy: one per adapter that passes its rated life during the plan (less those on the shelf), and for a
 * deadline the adapters of the most-used fitting type that give the missing sites (less shelf stock).
 */
export function adapterOrder(input: OrderInput): OrderLine[] {
  const lines: OrderLine[] = [];
  const shelf = new Map(input.types.map((t) => [t.id, t.onShelf]));
  for (const t of input.types) {
    const worn = input.adapters.filter((a) => a.type === t.id && a.passesLife).length;
    if (worn === 0) continue;
    const fromShelf = Math.min(worn, shelf.get(t.id) ?? 0);
    shelf.set(t.id, (shelf.get(t.id) ?? 0) - fromShelf);
    if (worn - fromShelf > 0) {
      lines.push({
        adapterType: t.id,
        quantity: worn - fromShelf,
        reason: `${worn} mounted adapter(s) reach their rated life during the plan${fromShelf ? `, ${fromShelf} replaced from the shelf` : ''} (or replace their sockets)`,
      });
    }
  }
  const missing = input.sitesMissing ?? 0;
  if (missing > 0 && input.types.length > 0) {
    const best = [...input.types].sort((a, b) => b.healthySites - a.healthySites || b.sites - a.sites)[0];
    const adaptersNeeded = Math.ceil(missing / best.sites);
    const fromShelf = Math.min(adaptersNeeded, Math.max(0, shelf.get(best.id) ?? 0));
    const freeSlots = input.sites.filter((s) => s.enabled && s.adapterId === null && best.families.includes(s.family)).length;
    const perProgrammer = Math.max(1, ...input.sites.filter((s) => best.families.includes(s.family)).map((s) => s.site + 1));
    const short = missing - freeSlots;
    const slotNote =
      freeSlots >= missing
        ? `${freeSlots} free site(s) on capable programmers take them`
        : `only ${freeSlots} free site(s) on capable programmers: the other ${short} need ${Math.ceil(short / perProgrammer)} more programmer(s) of ${perProgrammer} sites (${best.families.join(' or ')})`;
    if (adaptersNeeded - fromShelf > 0) {
      lines.push({
        adapterType: best.id,
        quantity: adaptersNeeded - fromShelf,
        reason: `${missing} more healthy site(s) needed to meet the deadline${fromShelf ? `, ${fromShelf} adapter(s) from the shelf` : ''}; ${slotNote}`,
      });
    }
  }
  return lines;
}
