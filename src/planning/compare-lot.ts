import type { Db } from '../db/open.js';
import { adapterPrices, type AdapterPrices } from '../store/adapter-prices.js';
import { compareRoutes } from './compare.js';
import type { OfflineInput, RouteComparison } from './compare-types.js';
import { planLot } from './plan.js';
import type { CostSettings } from './site-settings.js';
import type { LotPlan, PlanRequest } from './types.js';

/** The price of one adapter and where it comes from: its own, its type's list price, else the settings' default. */
function priceOf(prices: AdapterPrices, costs: CostSettings, type: string, serial?: string): { price: number; source: string } {
  const own = serial === undefined ? null : (prices.adapters.get(serial) ?? null);
  if (own !== null) return { price: own, source: `adapter ${serial}'s price` };
  const listed = prices.types.get(type) ?? null;
  if (listed !== null) return { price: listed, source: `${type} list price` };
  return { price: costs.offline.adapterPrice.value, source: costs.offline.adapterPrice.source };
}

/** The offline route's figures from a plan of today's farm and the adapters' prices. */
export function offlineInput(plan: LotPlan, prices: AdapterPrices, costs: CostSettings): OfflineInput {
  let wear = 0;
  let sites = 0;
  for (const a of plan.adapters) {
    wear += (a.sites * priceOf(prices, costs, a.type, a.serial).price) / a.rated;
    sites += a.sites;
  }
  const best = [...plan.adapterTypes].sort((x, y) => y.healthySites - x.healthySites || y.sites - x.sites)[0];
  const bestPrice = best ? priceOf(prices, costs, best.id) : null;
  // With no healthy site, wear is priced on the type that would be bought.
  const wearPerInsertion = sites > 0 ? wear / sites : best ? bestPrice!.price / best.ratedInsertions : 0;
  return {
    cycleSec: plan.cycle.seconds,
    cycleBasis: plan.cycle.basis,
    cycleDetail: plan.cycle.detail,
    handlingSec: plan.cycle.handlingSec,
    sites: plan.devicesPerCycle,
    programmers: new Set(plan.adapters.map((a) => a.programmer)).size,
    wearPerInsertion,
    wearDetail:
      sites > 0
        ? `price / rated insertions averaged over ${sites} site(s) of ${plan.adapters.length} adapter(s)`
        : best
          ? `${best.id}: ${bestPrice!.price} (${bestPrice!.source}) / ${best.ratedInsertions} insertions`
          : 'no adapter type fits',
    buyType: best ? { id: best.id, sites: best.sites, price: bestPrice!.price, priceSource: bestPrice!.source } : null,
  };
}

/** Offline on today's farm (measured cycle times when there are enough attempts) vs in system, for one order. */
export function compareLot(db: Db, req: PlanRequest, costs: CostSettings): RouteComparison {
  const plan = planLot(db, req);
  const d = plan.deadline;
  return compareRoutes({
    chip: { part: plan.chip.part, kind: plan.chip.kind },
    qty: plan.qty,
    programmedBytes: plan.image.programmedBytes,
    attempts: plan.insertions.total,
    ...(d ? { deadline: { by: d.by, hoursPerDay: d.hoursPerDay, availableSec: d.availableHours * 3600 } } : {}),
    offline: offlineInput(plan, adapterPrices(db), costs),
    costs,
  });
}
