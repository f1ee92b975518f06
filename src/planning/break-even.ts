import type { BreakEven, Route } from './compare-types.js';

/** A route's cost as a line over quantity: fixed + perDevice × quantity. */
export interface CostLine {
  route: Route;
  fixed: number;
  perDevice: number;
}

/**
 * Where two cost lines cross: Q = (fixed_b − fixed_a) / (perDevice_a − perDevice_b), when that is above zero; below
 * it the route with the lower fixed cost is cheaper, above it the one with the lower cost per device. null with a note
 * when one route is cheaper at every quantity (or both cost the same).
 */
export function breakEven(a: CostLine, b: CostLine): { breakEven: BreakEven | null; note: string } {
  const dv = a.perDevice - b.perDevice;
  const df = b.fixed - a.fixed;
  if (dv === 0) {
    if (df === 0) return { breakEven: null, note: 'both routes cost the same at every quantity' };
    const cheaper = df > 0 ? a.route : b.route;
    return { breakEven: null, note: `${cheaper} is cheaper at every quantity (same cost per device, less to buy)` };
  }
  const exact = df / dv;
  if (!(exact > 0)) {
    const cheaper = dv < 0 ? a.route : b.route;
    return { breakEven: null, note: `${cheaper} is cheaper at every quantity (less or equal to buy and less per device)` };
  }
  const lowVariable = dv < 0 ? a.route : b.route;
  const lowFixed = lowVariable === a.route ? b.route : a.route;
  // Round away float noise (300 / 0.06 = 5000.000000000001) before taking the first whole quantity.
  const quantity = Math.ceil(Number(exact.toFixed(9)));
  return {
    breakEven: { exact, quantity, cheaperBelow: lowFixed, cheaperAbove: lowVariable },
    note: `the cost lines cross at ${quantity} devices: ${lowFixed} is cheaper below, ${lowVariable} above`,
  };
}
