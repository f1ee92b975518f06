import type { CompareInput, RouteFigures } from './compare-types.js';

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

/**
 * The in-system route: each fixture load programs `channels` boards at once in handling + connect + bytes / speed
 * seconds; per device, its attempts' share of the station's time, of the operator's handling and of the fixture's
 * contact life, the line time held when programming on a tester exceeds the beat's slack, and the licence fee; fixed,
 * the fixtures still to build or buy (more when the date needs them).
 */
export function inSystemRoute(input: CompareInput): RouteFigures & { interface: string } {
  const s = input.costs.inSystem;
  const channels = s.channels.value;
  const perDevice = input.attempts / input.qty;
  const programSec = s.connectSec.value + input.programmedBytes / s.bytesPerSec.value;
  const loadSec = s.handlingSecPerLoad.value + programSec;
  const parallel = s.fixtures.value * channels;
  const loads = Math.ceil(input.attempts / parallel);
  const hours = (loads * loadSec) / 3600;
  let forDate: RouteFigures['forDate'];
  let fixturesForPlan = s.fixtures.value;
  if (input.deadline) {
    const loadsAvailable = Math.floor(input.deadline.availableSec / loadSec);
    const needed = loadsAvailable > 0 ? Math.ceil(input.attempts / loadsAvailable) : null;
    const fixturesNeeded = needed === null ? null : Math.ceil(needed / channels);
    forDate = { needed, missing: needed === null ? null : Math.max(0, needed - parallel), fixturesNeeded, meetsDate: needed !== null && needed <= parallel };
    if (fixturesNeeded !== null) fixturesForPlan = Math.max(fixturesForPlan, fixturesNeeded);
  }
  const toBuy = Math.max(0, fixturesForPlan - s.fixturesOwned.value);
  const fixedCost = toBuy * s.fixturePrice.value;
  // Line time: on a tester, the seconds programming adds past the beat's slack (beat − test time) stop the line.
  const holdSec = s.beatSec ? Math.max(0, s.testSec.value + programSec - s.beatSec.value) : 0;
  const cost = {
    equipment: round6((((perDevice * loadSec) / channels) * s.stationPerHour.value) / 3600),
    wear: round6((perDevice * s.fixturePrice.value) / s.fixtureRatedCycles.value / channels),
    labour: round6((((perDevice * s.handlingSecPerLoad.value) / channels) * input.costs.labourPerHour.value) / 3600),
    line: round6((((perDevice * holdSec) / channels) * s.linePerHour.value) / 3600),
    licence: round6(s.licencePerDevice.value),
    total: 0,
  };
  cost.total = round6(cost.equipment + cost.wear + cost.labour + cost.line + cost.licence);
  const bytes = input.programmedBytes;
  return {
    route: 'in-system',
    ...(s.boardAccess.value ? {} : { blocked: 'the assembled board gives no access to the part\'s programming interface (inSystem.boardAccess: false)' }),
    interface: s.interface.value,
    secPerDevice: loadSec,
    parallel,
    hours,
    timeDetail:
      `${s.handlingSecPerLoad.value} s handling + ${s.connectSec.value} s connect + ${bytes} B / ${s.bytesPerSec.value} B/s = ${loadSec.toFixed(2)} s per load` +
      ` × ${loads} loads of ${s.fixtures.value} fixture(s) × ${channels} channel(s) (assumed figures: the farm measures only offline programming)`,
    ...(forDate ? { forDate } : {}),
    costPerDevice: cost,
    fixedCost,
    fixedDetail: toBuy > 0 ? `${toBuy} fixture(s) at ${s.fixturePrice.value} (${fixturesForPlan} needed, ${s.fixturesOwned.value} owned)` : `nothing to buy: ${s.fixturesOwned.value} fixture(s) owned`,
    totalCost: round6(fixedCost + cost.total * input.qty),
  };
}
