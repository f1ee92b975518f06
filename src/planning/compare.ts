import { UsageError } from '../errors.js';
import { breakEven } from './break-even.js';
import type { CompareInput, RouteComparison, UsedFigure } from './compare-types.js';
import { ISP_DEFAULTS, OFFLINE_REFERENCES, type Sourced } from './isp-defaults.js';
import { recommend } from './recommend.js';
import { inSystemRoute } from './route-in-system.js';
import { offlineRoute } from './route-offline.js';
import type { CostSettings } from './site-settings.js';

/** Every cost figure as a named row with its source, for a reader to check. */
function usedFigures(c: CostSettings): UsedFigure[] {
  const rows: [string, Sourced<number | string | boolean> | undefined][] = [
    ['currency', c.currency],
    ['labourPerHour', c.labourPerHour],
    ['imageChanges', c.imageChanges],
    ['offline.stationPerHour', c.offline.stationPerHour],
    ['offline.adapterPrice', c.offline.adapterPrice],
    ...Object.entries(c.inSystem).map(([k, v]): [string, Sourced<number | string | boolean>] => [`inSystem.${k}`, v]),
  ];
  return rows.filter((r): r is [string, Sourced<number | string | boolean>] => r[1] !== undefined).map(([name, f]) => ({ name, value: f.value, source: f.source }));
}

/** Offline vs in-system programming of one order, from figures already read (no I/O): both routes, break-even, recommendation. */
export function compareRoutes(input: CompareInput): RouteComparison {
  if (!Number.isInteger(input.qty) || input.qty < 1) throw new UsageError('bad-qty', `--qty ${input.qty}: give a whole number of devices, at least 1`);
  if (!(input.offline.cycleSec > 0)) throw new UsageError('bad-cycle-seconds', `offline cycle time ${input.offline.cycleSec} s: give a positive number of seconds`);
  const offline = offlineRoute(input);
  const inSystem = inSystemRoute(input);
  const be = breakEven(
    { route: 'offline', fixed: offline.fixedCost, perDevice: offline.costPerDevice.total },
    { route: 'in-system', fixed: inSystem.fixedCost, perDevice: inSystem.costPerDevice.total },
  );
  const currency = input.costs.currency.value;
  const iface = ISP_DEFAULTS[input.costs.inSystem.interface.value];
  return {
    chip: input.chip,
    qty: input.qty,
    programmedBytes: input.programmedBytes,
    attempts: input.attempts,
    currency,
    ...(input.deadline ? { deadline: { by: input.deadline.by, hoursPerDay: input.deadline.hoursPerDay, availableHours: input.deadline.availableSec / 3600 } } : {}),
    offline,
    inSystem: { ...inSystem, interface: `${input.costs.inSystem.interface.value} (${iface.name})` },
    breakEven: be.breakEven,
    breakEvenNote: be.note,
    recommendation: recommend(offline, inSystem, { imageChanges: input.costs.imageChanges.value, currency }),
    figures: usedFigures(input.costs),
    references: OFFLINE_REFERENCES.map((r) => ({
      name: r.name,
      secPerDevice: r.bytesPerSec ? input.programmedBytes / r.bytesPerSec : 3600 / r.devicesPerHour!,
      source: r.source,
    })),
  };
}
