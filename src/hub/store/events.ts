import { q, type Hub, type HubClient } from '../connection.js';

/** An alarm or audit line on the hub. */
export interface HubEvent {
  station: string | null;
  lot: string | null;
  kind: 'alarm' | 'audit';
  code: string;
  message: string;
  data?: unknown;
}

const S = {
  add: { name: 'hub.events.add', text: `INSERT INTO events (station, lot_id, kind, code, message, data) VALUES ($1, $2, $3, $4, $5, $6)` },
  ofLot: {
    name: 'hub.events.of-lot',
    text: `SELECT id::int AS id, at, station, lot_id AS lot, kind, code, message, data FROM events WHERE lot_id = $1 ORDER BY id DESC LIMIT $2`,
  },
} as const;

/** Records an event inside the caller's transaction. */
export async function addEvent(c: HubClient, e: HubEvent): Promise<void> {
  await q(c, S.add, [e.station, e.lot, e.kind, e.code, e.message, e.data === undefined ? null : JSON.stringify(e.data)]);
}

/** The newest `limit` events of a lot, newest first. */
export async function lotEvents(hub: Hub, lot: string, limit = 50): Promise<(HubEvent & { id: number; at: Date })[]> {
  return hub.run(S.ofLot, [lot, limit]);
}
