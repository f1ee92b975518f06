import type { CompareInput, RouteFigures } from './compare-types.js';

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

/**
 * The offline route on today's farm: cycles of `sites` devices at `cycleSec`; per device, its attempts' share of the
 * stations' time and of the operator's handling (one load per programmer per cycle), the adapter wear of each
 * insertion; fixed, the adapters to buy for sites the date needs (or for a first site when none is healthy).
 */
export function offlineRoute(input: CompareInput): RouteFigures {
  const o = input.offline;
  const c = input.costs;
  const perDevice = input.attempts / input.qty;
  const cycles = o.sites > 0 ? Math.ceil(input.attempts / o.sites) : null;
  const hours = cycles === null ? null : (cycles * o.cycleSec) / 3600;
  let forDate: RouteFigures['forDate'];
  if (input.deadline) {
    const cyclesAvailable = Math.floor(input.deadline.availableSec / o.cycleSec);
    const needed = cyclesAvailable > 0 ? Math.ceil(input.attempts / cyclesAvailable) : null;
    const missing = needed === null ? null : Math.max(0, needed - o.sites);
    forDate = { needed, missing, meetsDate: needed !== null && needed <= o.sites };
  }
  // Sites to buy: those the date misses, or one adapter's worth when no site is healthy today.
  const sitesToBuy = forDate?.missing ?? (o.sites === 0 ? 1 : 0);
  const adaptersToBuy = o.buyType && sitesToBuy > 0 ? Math.ceil(sitesToBuy / o.buyType.sites) : 0;
  const fixedCost = o.buyType ? adaptersToBuy * o.buyType.price : 0;
  // Costs per device are rates on the sites used: today's healthy ones, or the ones to buy when there are none.
  const sites = o.sites > 0 ? o.sites : Math.max(sitesToBuy, o.buyType?.sites ?? 1);
  const programmers = o.sites > 0 ? o.programmers : 1;
  const stationSec = (perDevice * o.cycleSec * programmers) / sites;
  const handlingSec = (perDevice * o.handlingSec * programmers) / sites;
  const cost = {
    equipment: round6((stationSec * c.offline.stationPerHour.value) / 3600),
    wear: round6(perDevice * o.wearPerInsertion),
    labour: round6((handlingSec * c.labourPerHour.value) / 3600),
    line: 0,
    licence: 0,
    total: 0,
  };
  cost.total = round6(cost.equipment + cost.wear + cost.labour);
  return {
    route: 'offline',
    ...(o.buyType === null && o.sites === 0 ? { blocked: `no adapter type in the catalog fits ${input.chip.part}` } : {}),
    secPerDevice: o.cycleSec,
    parallel: o.sites,
    hours,
    timeDetail: `${o.cycleSec.toFixed(2)} s per cycle (${o.cycleBasis}: ${o.cycleDetail}) × ${cycles ?? '-'} cycles of ${o.sites} sites`,
    ...(forDate ? { forDate } : {}),
    costPerDevice: cost,
    fixedCost,
    fixedDetail: !o.buyType
      ? 'no adapter type fits this part'
      : adaptersToBuy > 0
        ? `${adaptersToBuy} × ${o.buyType.id} at ${o.buyType.price} (${o.buyType.priceSource}) for ${sitesToBuy} more site(s)`
        : 'nothing to buy: today\'s healthy sites do it',
    totalCost: round6(fixedCost + cost.total * input.qty),
  };
}
