import type { Db } from '../db/open.js';
import { UsageError } from '../errors.js';
import { adapterLives, type AdapterLife } from './adapter-life.js';
import { adapterInsertionsInWindow, type AdapterWindowRow } from '../store/adapter-lives.js';

/** Options of the adapter-life forecast. */
export interface ForecastOptions {
  /** Weeks of attempts the insertion rate is measured over. @default 4 */
  weeks?: number;
  /** The time the forecast is made at. @default new Date() */
  now?: Date;
  /** Weeks ahead: adapters that reach their rated life within them are `due`. @default 12 */
  horizonWeeks?: number;
}

/** One adapter's insertion rate and when it reaches its rated life at that rate. */
export interface AdapterForecast {
  serial: string;
  type: string;
  programmer: string | null;
  site: number | null;
  status: 'ok' | 'retired';
  used: number;
  rated: number;
  left: number;
  /** Whole days the rate is measured over: the window, or the whole days the adapter has existed when it is newer. */
  windowDays: number;
  insertionsInWindow: number;
  /** Insertions per day over those whole days; null with less than one whole day of history (no forecast). */
  insertionsPerDay: number | null;
  /** It reaches its rated life within the horizon (or already has): order its replacement. */
  due: boolean;
  /** Day (YYYY-MM-DD, UTC) it reaches its rated life at this rate; null when idle or retired. */
  reachesLifeOn: string | null;
  daysLeft: number | null;
  /** past-life: at or over its rated life; idle: no insertions in the window; wearing: a date is forecast; new: less
   * than one whole day of history, too little to forecast from (a burst is not a rate). */
  state: 'past-life' | 'idle' | 'wearing' | 'retired' | 'new';
}

const DAY_MS = 86_400_000;

/** The window a forecast measures its rate over: whole UTC days from `fromDay` up to, not including, `today`. */
export interface ForecastWindow {
  now: Date;
  from: Date;
  fromDay: string;
  today: string;
  horizonDays: number;
}

/** The forecast's window for its options (refuses a window of no weeks). */
export function forecastWindow(opts: ForecastOptions = {}): ForecastWindow {
  const weeks = opts.weeks ?? 4;
  if (!(weeks > 0)) throw new UsageError('bad-weeks', `--weeks ${weeks}: give a positive number of weeks`);
  const now = opts.now ?? new Date();
  // Whole UTC days: the window starts at the first day boundary at or after now - weeks; the rate counts the
  // insertions of the days in it (kept per adapter and day by the database), never the attempts themselves.
  const from = new Date(Math.ceil((now.getTime() - weeks * 7 * DAY_MS) / DAY_MS) * DAY_MS);
  return { now, from, fromDay: from.toISOString().slice(0, 10), today: now.toISOString().slice(0, 10), horizonDays: (opts.horizonWeeks ?? 12) * 7 };
}

/** What a forecast needs of one adapter: where it is, its status, and its insertions used and left of its rated life. */
export type ForecastLife = Pick<AdapterLife, 'serial' | 'type' | 'programmer' | 'site' | 'status' | 'used' | 'rated' | 'left'>;

/** For every adapter: insertions per whole day over the last weeks (from its day totals) and the day it reaches its rated life. */
export function forecastAdapters(db: Db, opts: ForecastOptions = {}): AdapterForecast[] {
  const w = forecastWindow(opts);
  return forecastFrom(adapterLives(db), adapterInsertionsInWindow(db, w.fromDay, w.today), w);
}

/** The forecast from adapters' lives and their insertions in the window (a station's journal or the hub's uploads). */
export function forecastFrom(lives: ForecastLife[], rows: AdapterWindowRow[], w: ForecastWindow): AdapterForecast[] {
  const { now, from, horizonDays } = w;
  const bySerial = new Map(rows.map((r) => [r.serial, r]));
  const out = lives.map((a): AdapterForecast => {
    const r = bySerial.get(a.serial)!;
    // Whole days only: 80 insertions in the first minutes of a new adapter are a burst, not 1,920 a day.
    const start = Math.max(from.getTime(), Math.min(Date.parse(r.created), now.getTime()));
    const windowDays = Math.floor((now.getTime() - start) / DAY_MS);
    const perDay = windowDays >= 1 ? r.n / windowDays : null;
    let state: AdapterForecast['state'] = 'wearing';
    let daysLeft: number | null = null;
    if (a.status === 'retired') state = 'retired';
    else if (a.left <= 0) {
      state = 'past-life';
      daysLeft = 0;
    } else if (perDay === null) state = 'new';
    else if (perDay === 0) state = 'idle';
    else daysLeft = a.left / perDay;
    const reachesLifeOn = daysLeft === null ? null : new Date(now.getTime() + daysLeft * DAY_MS).toISOString().slice(0, 10);
    return {
      serial: a.serial,
      type: a.type,
      programmer: a.programmer,
      site: a.site,
      status: a.status,
      used: a.used,
      rated: a.rated,
      left: a.left,
      windowDays,
      insertionsInWindow: r.n,
      insertionsPerDay: perDay,
      reachesLifeOn,
      daysLeft,
      due: daysLeft !== null && daysLeft <= horizonDays,
      state,
    };
  });
  return out.sort((x, y) => (x.daysLeft ?? Infinity) - (y.daysLeft ?? Infinity) || x.serial.localeCompare(y.serial));
}
