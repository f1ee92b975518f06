import { UsageError } from '../errors.js';

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const DAY_MS = 86_400_000;

/**
 * The deadline day as a local calendar date (midnight): `YYYY-MM-DD`, or a weekday name meaning the next such day
 * (today when today is that day).
 */
export function parseDeadlineDay(text: string, now: Date): Date {
  const wd = WEEKDAYS.findIndex((d) => d.startsWith(text.toLowerCase()) && text.length >= 3);
  if (wd >= 0) {
    const ahead = (wd - now.getDay() + 7) % 7;
    return new Date(now.getFullYear(), now.getMonth(), now.getDate() + ahead);
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const day = m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : null;
  if (!day || day.getMonth() !== Number(m![2]) - 1 || day.getDate() !== Number(m![3])) {
    throw new UsageError('bad-deadline', `--by ${text}: give a date as YYYY-MM-DD or a weekday name (e.g. friday)`);
  }
  return day;
}

/**
 * Working seconds from `now` to the end of `day` when the farm runs `hoursPerDay` hours each calendar day: every
 * day after today gives hoursPerDay, today gives at most what is left of it. 0 when the day has passed.
 */
export function workingSecondsUntil(day: Date, now: Date, hoursPerDay: number): number {
  if (!(hoursPerDay > 0 && hoursPerDay <= 24)) throw new UsageError('bad-hours-per-day', `--hours-per-day ${hoursPerDay}: give a number of hours above 0 and at most 24`);
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  if (day.getTime() < today.getTime()) return 0;
  const tomorrow = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
  const leftToday = Math.min(hoursPerDay * 3600, (tomorrow.getTime() - now.getTime()) / 1000);
  const laterDays = Math.round((day.getTime() - today.getTime()) / DAY_MS);
  return leftToday + laterDays * hoursPerDay * 3600;
}

/** Whether a plan meets its deadline and what it would take. */
export interface DeadlineAnswer {
  /** The deadline day, YYYY-MM-DD (local). */
  by: string;
  hoursPerDay: number;
  /** Working hours available from now to the end of the deadline day. */
  availableHours: number;
  /** Hours the plan needs on today's healthy sites (null without any). */
  neededHours: number | null;
  feasible: boolean;
  /** Cycles that fit in the available time. */
  cyclesAvailable: number;
  /** Healthy sites needed to finish in time (null when not even one cycle fits). */
  sitesNeeded: number | null;
  /** Sites to add to today's healthy sites (0 when feasible). */
  sitesMissing: number | null;
}

/** Answers a deadline for `insertions` device insertions at `cycleSec` per cycle on `sites` healthy sites. */
export function answerDeadline(opts: { day: Date; now: Date; hoursPerDay: number; insertions: number; cycleSec: number; sites: number; neededHours: number | null }): DeadlineAnswer {
  const availableSec = workingSecondsUntil(opts.day, opts.now, opts.hoursPerDay);
  const cyclesAvailable = Math.floor(availableSec / opts.cycleSec);
  const sitesNeeded = opts.insertions === 0 ? 0 : cyclesAvailable > 0 ? Math.ceil(opts.insertions / cyclesAvailable) : null;
  const d = opts.day;
  const by = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  return {
    by,
    hoursPerDay: opts.hoursPerDay,
    availableHours: availableSec / 3600,
    neededHours: opts.neededHours,
    feasible: sitesNeeded !== null && sitesNeeded <= opts.sites,
    cyclesAvailable,
    sitesNeeded,
    sitesMissing: sitesNeeded === null ? null : Math.max(0, sitesNeeded - opts.sites),
  };
}
