import type { CycleModelOptions, ImageStats } from './cycle-time.js';
import type { DeadlineAnswer } from './deadline.js';
import type { UsableSitesOptions } from '../inventory/usable-sites.js';

/** What to plan: a quantity of one chip with one image, optionally by a deadline. */
export interface PlanRequest extends CycleModelOptions, Pick<UsableSitesOptions, 'programmers'> {
  /** Part number from the chip catalog. */
  chip: string;
  /** The image's size and blank share (e.g. from `inspectImage`). */
  image: ImageStats;
  /** Devices to program. */
  qty: number;
  /** Seconds per cycle to use instead of history or the datasheet (handling included). @default derived */
  cycleSeconds?: number;
  /** Attempts (for time) or devices (for yield, retries) of this chip needed before history is trusted. @default 20 */
  minHistory?: number;
  /** Deadline day: YYYY-MM-DD or a weekday name. @default no deadline */
  by?: string;
  /** Hours the farm runs per calendar day, for the deadline. @default 24 */
  hoursPerDay?: number;
  /** The time the plan starts. @default new Date() */
  now?: Date;
}

/** An adapter type that fits the chip, with what we own of it. */
export interface PlanAdapterType {
  id: string;
  name: string;
  sites: number;
  ratedInsertions: number;
  families: string[];
  /** Adapters of this type in the inventory (not retired). */
  owned: number;
  /** Of those, mounted on a programmer. */
  mounted: number;
  /** Healthy sites they give for the chip today. */
  healthySites: number;
  /** Unmounted adapters of this type with life left (on the shelf). */
  onShelf: number;
}

/** One mounted adapter the plan uses, with its life before and after. */
export interface PlanAdapter {
  serial: string;
  type: string;
  programmer: string;
  /** Healthy sites of the plan this adapter serves. */
  sites: number;
  used: number;
  rated: number;
  left: number;
  /** Insertions the plan puts on it (at most; the last cycle may be partial). */
  planUses: number;
  leftAfter: number;
  /** The plan's cycle at which it reaches its rated life (null when it does not). */
  reachesLifeAtCycle: number | null;
  passesLife: boolean;
}

/** Adapters to buy, by type, and why. */
export interface OrderLine {
  adapterType: string;
  quantity: number;
  reason: string;
}

/** A capacity plan for a quantity of one chip on the farm. */
export interface LotPlan {
  chip: { part: string; vendor: string; kind: string; package: string; body: string; pitchMm: number };
  qty: number;
  image: { size: number; programmedBytes: number; sha256?: string };
  adapterTypes: PlanAdapterType[];
  sites: { considered: number; healthy: number; unhealthy: { programmer: string; site: number; reason: string }[] };
  cycle: {
    basis: 'given' | 'history' | 'datasheet';
    seconds: number;
    deviceSec: number;
    handlingSec: number;
    /** How the figure was made (formula, or the measured median and how many attempts). */
    detail: string;
  };
  yield: { basis: 'history' | 'defect-rate'; value: number; devices: number };
  insertions: { basis: 'history' | 'defect-rate'; perDevice: number; total: number };
  /** Devices per cycle (= healthy sites). */
  devicesPerCycle: number;
  /** null when no healthy site exists. */
  cycles: number | null;
  hours: number | null;
  /** When the plan would end running around the clock from now (ISO; null without sites). */
  finishesAt: string | null;
  expectedGood: number;
  adapters: PlanAdapter[];
  /** Serials of adapters that would pass their rated life during the plan. */
  passingLife: string[];
  order: OrderLine[];
  deadline?: DeadlineAnswer;
}
