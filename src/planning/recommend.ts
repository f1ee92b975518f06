import type { Reason, Route, RouteFigures } from './compare-types.js';

/** Cost differences below this share of the dearer route are a tie, left to the other considerations. */
export const COST_TIE = 0.05;

const h = (v: number | null) => (v === null ? 'no capacity' : `${v.toFixed(1)} h`);

/**
 * The route to take and why. A route that cannot program the part at all leaves the other (possible); a date met
 * by one route only decides it (time); otherwise the lower total cost at the
 * order's quantity (cost), unless within 5 %, when frequent image changes favour in system (a board is re-flashed,
 * a programmed part must be desoldered) and else the faster route. Investment and rework are always stated.
 */
export function recommend(
  offline: RouteFigures,
  inSystem: RouteFigures,
  opts: { imageChanges: 'rare' | 'frequent'; currency: string },
): { route: Route; reasons: Reason[] } {
  const reasons: Reason[] = [];
  const faster: Route | null =
    offline.hours === null ? (inSystem.hours === null ? null : 'in-system') : inSystem.hours === null || offline.hours <= inSystem.hours ? 'offline' : 'in-system';
  const meets = (r: RouteFigures) => r.forDate?.meetsDate;
  let decided: Route | null = null;
  // A route that cannot program the part at all leaves the other.
  if (offline.blocked || inSystem.blocked) {
    const only: Route | null = offline.blocked && inSystem.blocked ? null : offline.blocked ? 'in-system' : 'offline';
    decided = only;
    reasons.push({
      factor: 'possible',
      favours: only,
      decisive: only !== null,
      text: [offline.blocked && `offline: ${offline.blocked}`, inSystem.blocked && `in system: ${inSystem.blocked}`].filter(Boolean).join('; '),
    });
  }
  let timeText = `offline ${h(offline.hours)} on ${offline.parallel} site(s), in system ${h(inSystem.hours)} on ${inSystem.parallel} channel(s)`;
  if (offline.forDate && inSystem.forDate) {
    timeText += `; by the date: offline ${meets(offline) ? 'yes' : 'no'}, in system ${meets(inSystem) ? 'yes' : 'no'}`;
  }
  if (offline.forDate && inSystem.forDate && decided === null && meets(offline) !== meets(inSystem)) decided = meets(offline) ? 'offline' : 'in-system';
  const timeDecides = decided !== null && !reasons.some((r) => r.decisive);
  timeText += '; in system starts only once the boards are assembled';
  reasons.push({ factor: 'time', favours: timeDecides ? decided : faster, decisive: timeDecides, text: timeText });

  const money = (v: number) => `${v.toFixed(2)} ${opts.currency}`;
  const cheaper: Route = offline.totalCost <= inSystem.totalCost ? 'offline' : 'in-system';
  const diff = Math.abs(offline.totalCost - inSystem.totalCost);
  const tie = diff <= COST_TIE * Math.max(offline.totalCost, inSystem.totalCost);
  const costDecides = decided === null && !tie;
  if (costDecides) decided = cheaper;
  reasons.push({
    factor: 'cost',
    favours: tie ? null : cheaper,
    decisive: costDecides,
    text: `order total offline ${money(offline.totalCost)} (${offline.costPerDevice.total.toFixed(4)} per device), in system ${money(inSystem.totalCost)} (${inSystem.costPerDevice.total.toFixed(4)} per device)${tie ? `: within ${COST_TIE * 100} %, a tie` : ''}`,
  });

  reasons.push({
    factor: 'investment',
    favours: offline.fixedCost === inSystem.fixedCost ? null : offline.fixedCost < inSystem.fixedCost ? 'offline' : 'in-system',
    decisive: false,
    text: `to buy: offline ${money(offline.fixedCost)} (${offline.fixedDetail}); in system ${money(inSystem.fixedCost)} (${inSystem.fixedDetail})`,
  });

  const frequent = opts.imageChanges === 'frequent';
  const changesDecide = decided === null && frequent;
  if (changesDecide) decided = 'in-system';
  reasons.push({
    factor: 'image-changes',
    favours: frequent ? 'in-system' : null,
    decisive: changesDecide,
    text: frequent
      ? 'the image changes often: boards are re-flashed in system, while parts programmed offline become stock to re-program or scrap'
      : 'the image rarely changes once parts are programmed (set imageChanges: "frequent" in the site settings otherwise)',
  });
  reasons.push({
    factor: 'rework',
    favours: null,
    decisive: false,
    text: 'a part programmed offline that must change after assembly is desoldered (or re-flashed only if the board exposes its interface); offline every device and socket is traced by gangflash before assembly',
  });

  if (decided === null) {
    decided = faster ?? 'offline';
    const t = reasons.findIndex((r) => r.factor === 'time');
    reasons[t] = { ...reasons[t], favours: decided, decisive: true, text: `${reasons[t].text} (costs tie: the faster route)` };
  }
  return { route: decided, reasons };
}
