import type { Hub } from '../hub/connection.js';
import { hubFarmSites, hubMountedAdapters } from '../hub/store/farm-view.js';
import { hubRecentEvents } from '../hub/store/live-events.js';
import { hubLotCount, hubLotCountList, hubReelCounts, type HubLotCounts } from '../hub/store/lot-counts.js';
import { hubAttemptTotals } from '../hub/store/yield-totals.js';
import { UsageError } from '../errors.js';
import { countersOf, hubLotStatus, type LotCounters } from '../lots/counters.js';
import { hubForecast } from '../planning/hub-history.js';
import { yieldFrom } from '../stats/yield.js';
import type { ProgrammerState, SiteState } from './farm-state.js';
import type { DashboardReads } from './reads.js';

/** A programmer of the hub's farm: the station dashboard's fields, and the station it belongs to and its serial. */
export type HubProgrammerState = ProgrammerState & { station: string; serial: string };

/** A lot's counters from the hub's counts (its status from its reels). */
function counters(c: HubLotCounts): LotCounters {
  const { held, done, ...rest } = c;
  return countersOf({ ...rest, status: hubLotStatus({ total: c.reels, held, done }) });
}

/** Every station's programmers and sites: enabled or not, the adapter on it, its last insertion and its yield (flagged when low). */
async function hubFarm(hub: Hub): Promise<HubProgrammerState[]> {
  const sites = await hubFarmSites(hub);
  const mounted = await hubMountedAdapters(hub);
  const totals = await hubAttemptTotals(hub, 'site');
  // The station's own computation of each site's yield and LOW flag, from the hub's totals.
  const yields = new Map(yieldFrom({ devices: () => [], attempts: () => totals, failures: () => [] }, 'site').rows.map((y) => [y.key, y]));
  const out: HubProgrammerState[] = [];
  for (const s of sites) {
    let p = out[out.length - 1];
    if (!p || p.serial !== s.serial) out.push((p = { id: s.id, name: s.name, model: s.model, driver: s.driver, station: s.station, serial: s.serial, sites: [] }));
    const a = mounted.find((m) => m.programmer === s.serial && s.site >= m.site && s.site < m.site + m.typeSites);
    const y = yields.get(`${s.name}:${s.site}`);
    const site: SiteState = {
      site: s.site,
      enabled: s.enabled,
      disabledReason: s.disabledReason,
      adapter: a ? { serial: a.serial, type: a.type, used: a.used, rated: a.rated, left: a.rated - a.used, status: a.status } : null,
      last: s.lastResult ? { result: s.lastResult, failureCode: s.lastFailureCode, lot: s.lastLot!, endedAt: s.lastEndedAt! } : null,
      yield: y ? { attempts: y.n, passed: y.passed, yield: y.yield, low: y.flagged === true } : null,
    };
    p.sites.push(site);
  }
  return out;
}

/** The dashboard's reads from the hub, over every station (the MES outbox is each station's own: none here). */
export function hubReads(hub: Hub): DashboardReads {
  return {
    farm: () => hubFarm(hub),
    events: async (limit) => (await hubRecentEvents(hub, limit)).reverse(),
    lots: async () => (await hubLotCountList(hub)).map(counters),
    lot: async (id) => {
      const c = await hubLotCount(hub, id);
      if (!c) throw new UsageError('unknown-lot', `no lot "${id}" on the hub`);
      return { ...counters(c), reels: await hubReelCounts(hub, id) };
    },
    mes: async () => null,
    adapters: (weeks) => hubForecast(hub, { weeks }),
  };
}
