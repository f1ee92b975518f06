import type { Db } from '../db/open.js';
import { listLots, lotCounters, lotReels, type LotCounters } from '../lots/counters.js';
import { forecastAdapters, type AdapterForecast } from '../planning/forecast.js';
import { listEvents } from '../store/event-log.js';
import { OutboxStore } from '../store/outbox.js';
import { farmState, type ProgrammerState } from './farm-state.js';

/** A lot's counters and its reels, as `/api/lots/:id` answers. */
export type LotWithReels = Omit<LotCounters, 'reels'> & { reels: { reel: string; part: string; quantity: number; dateCode: string; passed: number; failed: number }[] };

/** What the dashboard's JSON endpoints read: from a station's journal, or from the hub over every station. */
export interface DashboardReads {
  farm(): Promise<ProgrammerState[]>;
  events(limit: number): Promise<unknown[]>;
  lots(): Promise<LotCounters[]>;
  lot(id: string): Promise<LotWithReels>;
  /** The MES outbox's settings and backlog; null where there is none (the hub). */
  mes(): Promise<Record<string, unknown> | null>;
  adapters(weeks: number): Promise<AdapterForecast[]>;
}

/** The dashboard's reads from a station's journal. */
export function stationReads(db: Db): DashboardReads {
  const outbox = new OutboxStore(db);
  return {
    farm: async () => farmState(db),
    events: async (limit) => listEvents(db, { limit }).reverse(),
    lots: async () => listLots(db),
    lot: async (id) => ({ ...lotCounters(db, id), reels: lotReels(db, id) }),
    // Settings (never credentials) and the messages waiting in the outbox.
    mes: async () => ({ config: outbox.config(), ...outbox.counts() }),
    adapters: async (weeks) => forecastAdapters(db, { weeks }),
  };
}
