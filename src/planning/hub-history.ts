import type { Hub } from '../hub/connection.js';
import { hubAdapterInsertionsInWindow, hubAdapterWear } from '../hub/store/adapter-wear.js';
import { hubAttemptDurations, hubChipTotals } from '../hub/store/history.js';
import { forecastFrom, forecastWindow, type AdapterForecast, type ForecastOptions } from './forecast.js';
import { chipHistoryOf, durationFrom, type PlanHistory } from './history.js';

/**
 * A chip's history over every station's uploads (yield, insertions per device, attempt durations), read
 * before the plan is made on this station's farm; the plan computes from it exactly as from its own journal.
 */
export async function hubPlanHistory(hub: Hub, part: string, sha256: string | undefined): Promise<PlanHistory> {
  const h = {
    totals: await hubChipTotals(hub, part),
    image: sha256 ? await hubAttemptDurations(hub, part, sha256) : undefined,
    chip: await hubAttemptDurations(hub, part, undefined),
  };
  return {
    chip: (p) => (p === part ? chipHistoryOf(h.totals) : chipHistoryOf({ devices: 0, passed: 0, attempts: 0 })),
    duration: (p, _sha, min) => (p === part ? durationFrom({ image: h.image, chip: () => h.chip }, min) : null),
  };
}

/**
 * The adapter forecast over the hub: every adapter the hub knows, its insertions on its current socket (as its station
 * last reported the socket) and their per-day rate over the window's whole days from every station's uploads,
 * forecast as a station forecasts its own.
 */
export async function hubForecast(hub: Hub, opts: ForecastOptions): Promise<AdapterForecast[]> {
  const w = forecastWindow(opts);
  const wear = await hubAdapterWear(hub);
  const rows = await hubAdapterInsertionsInWindow(hub, w.fromDay, w.today);
  // As on a station, an adapter counts once its type is in the catalog (the hub's snapshot of it).
  const lives = wear.flatMap((a) =>
    a.rated === null ? [] : [{ serial: a.serial, type: a.type, programmer: a.programmer, site: a.site, status: a.stored, used: a.insertions, rated: a.rated, left: a.rated - a.insertions }],
  );
  return forecastFrom(lives, rows, w);
}
