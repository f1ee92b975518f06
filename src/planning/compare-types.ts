import type { CostSettings } from './site-settings.js';

/** The two ways to get an image into a part: in sockets before assembly, or through the board after it. */
export type Route = 'offline' | 'in-system';

/** What the offline route is computed from: the farm as the planner sees it today. */
export interface OfflineInput {
  /** Seconds per cycle of today's farm (handling included). */
  cycleSec: number;
  /** Where the cycle time comes from: measured attempts beat the datasheet; `given` by the user. */
  cycleBasis: 'given' | 'history' | 'datasheet';
  /** How the cycle time was made, in words. */
  cycleDetail: string;
  /** Operator seconds per cycle (inserting and removing), part of cycleSec. */
  handlingSec: number;
  /** Healthy sites for the part today. */
  sites: number;
  /** Programmers those sites are on (each is one station loaded by the operator per cycle). */
  programmers: number;
  /** Adapter wear per insertion on those sites: adapter price / rated insertions, averaged over the sites. */
  wearPerInsertion: number;
  /** How the wear figure was made. */
  wearDetail: string;
  /** The adapter type more sites would be bought in, with the price of one; null when none fits. */
  buyType: { id: string; sites: number; price: number; priceSource: string } | null;
}

/** Everything the comparison needs, already read: it does no I/O. */
export interface CompareInput {
  chip: { part: string; kind: string };
  /** Devices to program. */
  qty: number;
  /** Bytes written to each device (the image's non-blank content). */
  programmedBytes: number;
  /** Programming attempts the order takes (devices × attempts per device, from history or the defect rate). */
  attempts: number;
  /** The due date and the working seconds until its end; absent without a date. */
  deadline?: { by: string; hoursPerDay: number; availableSec: number };
  offline: OfflineInput;
  costs: CostSettings;
}

/** One route's cost per device, by what it pays for (in the settings' currency). */
export interface CostPerDevice {
  /** Station (programmer, fixture, tester) time at its hourly rate. */
  equipment: number;
  /** Adapter sockets (offline) or fixture contacts (in system) worn, at price / rated life. */
  wear: number;
  /** Operator time loading and unloading. */
  labour: number;
  /** Line time held when programming exceeds the tester's slack in the beat. */
  line: number;
  /** Licence fees. */
  licence: number;
  total: number;
}

/** One route's answer: time, capacity needed for the date, and cost. */
export interface RouteFigures {
  route: Route;
  /** Why this route cannot program the part at all (no adapter type fits it; the board gives no access to it). */
  blocked?: string;
  /** Seconds one device occupies a site (offline: one cycle) or a channel (in system: one fixture load). */
  secPerDevice: number;
  /** Devices programmed at once on the capacity planned (healthy sites, or fixtures × channels). */
  parallel: number;
  /** Hours for the whole order on that capacity; null when it is zero. */
  hours: number | null;
  /** How the time was made, in words (formula and which figures are measured or assumed). */
  timeDetail: string;
  /** The capacity needed to finish by the date; absent without a date. */
  forDate?: {
    /** Sites (offline) or channels (in system) needed; null when not even one cycle or load fits. */
    needed: number | null;
    /** More than planned (0 when the plan meets the date). */
    missing: number | null;
    /** In system: fixtures needed at the fixture's channels. */
    fixturesNeeded?: number | null;
    meetsDate: boolean;
  };
  costPerDevice: CostPerDevice;
  /** What must be bought for this order (adapters, fixtures). */
  fixedCost: number;
  fixedDetail: string;
  /** fixedCost + costPerDevice.total × qty. */
  totalCost: number;
}

/** The quantity where both routes cost the same. */
export interface BreakEven {
  /** Exact quantity where the cost lines cross. */
  exact: number;
  /** The first whole quantity at or past the crossing. */
  quantity: number;
  /** The route that is cheaper below the break-even quantity. */
  cheaperBelow: Route;
  cheaperAbove: Route;
}

/** One consideration of the recommendation. */
export interface Reason {
  factor: 'possible' | 'time' | 'cost' | 'investment' | 'image-changes' | 'rework';
  /** The route it favours (null: neither). */
  favours: Route | null;
  /** True for the consideration that decided the recommendation. */
  decisive: boolean;
  text: string;
}

/** A figure the comparison used, and where it came from. */
export interface UsedFigure {
  name: string;
  value: number | string | boolean;
  source: string;
}

/** Offline vs in-system programming of one order: both routes, break-even and a recommendation with its reasons. */
export interface RouteComparison {
  chip: { part: string; kind: string };
  qty: number;
  programmedBytes: number;
  attempts: number;
  currency: string;
  deadline?: { by: string; hoursPerDay: number; availableHours: number };
  offline: RouteFigures;
  inSystem: RouteFigures & { interface: string };
  /** null when one route is cheaper at every quantity (see breakEvenNote). */
  breakEven: BreakEven | null;
  breakEvenNote: string;
  recommendation: { route: Route; reasons: Reason[] };
  /** Every figure priced with and its source. */
  figures: UsedFigure[];
  /** Published offline figures with this image's time per device at each. */
  references: { name: string; secPerDevice: number; source: string }[];
}
