import { HubError } from '../../errors.js';
import { q, type Hub } from '../connection.js';
import type { AdapterPlace, PublishedProgrammer, StationIdentity } from '../../records/station-wire.js';

const S = {
  register: {
    name: 'hub.stations.register',
    text: `INSERT INTO stations (name, journal_id, host, pid) VALUES ($1, $2, $3, $4)
           ON CONFLICT (name) DO UPDATE SET host = excluded.host, pid = excluded.pid, heartbeat_at = now()
             WHERE stations.journal_id = excluded.journal_id
           RETURNING name`,
  },
  owner: { name: 'hub.stations.owner', text: `SELECT journal_id AS "journalId", host FROM stations WHERE name = $1` },
  programmer: {
    name: 'hub.stations.programmer',
    text: `INSERT INTO programmers (serial, station, name, driver, model, sites) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (serial) DO UPDATE SET station = excluded.station, name = excluded.name, driver = excluded.driver,
             model = excluded.model, sites = excluded.sites, seen_at = now()`,
  },
  adapterNow: { name: 'hub.adapters.now', text: `SELECT station, programmer, site, status FROM adapters WHERE serial = $1 FOR UPDATE` },
  adapterPut: {
    name: 'hub.adapters.put',
    text: `INSERT INTO adapters (serial, adapter_type, station, programmer, site, status, registered_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (serial) DO UPDATE SET adapter_type = excluded.adapter_type, station = excluded.station,
             programmer = excluded.programmer, site = excluded.site, status = excluded.status, updated_at = now(),
             registered_at = CASE WHEN adapters.registered_at IS NULL OR excluded.registered_at COLLATE "C" < adapters.registered_at COLLATE "C"
                                  THEN coalesce(excluded.registered_at, adapters.registered_at) ELSE adapters.registered_at END`,
  },
  socket: {
    name: 'hub.adapters.socket',
    // A new receptacle (or the first report of one) counts the insertions uploaded since it was fitted; later uploads add theirs.
    text: `UPDATE adapters a SET prior_insertions = $2, override_life = $4, socket_since = $3,
             since_socket = CASE WHEN a.socket_since IS NOT DISTINCT FROM $3 THEN a.since_socket
                                 ELSE (SELECT count(*) FROM attempts x WHERE x.adapter = a.serial AND x.started_at COLLATE "C" >= $3) END
           WHERE a.serial = $1`,
  },
  adapterHistory: { name: 'hub.adapters.history-add', text: `INSERT INTO adapter_history (serial, station, programmer, site, status) VALUES ($1, $2, $3, $4, $5)` },
  history: {
    name: 'hub.adapters.history',
    text: `SELECT at, station, programmer, site, status FROM adapter_history WHERE serial = $1 ORDER BY id`,
  },
  inventory: {
    name: 'hub.adapters.inventory',
    text: `SELECT serial, adapter_type AS "adapterType", station, programmer, site, status, insertions::int AS insertions FROM adapters ORDER BY serial`,
  },
} as const;

/** Registers a station (or refreshes its host and pid); refuses a name already bound to another journal. */
export async function registerStation(hub: Hub, s: StationIdentity): Promise<void> {
  const rows = await hub.run(S.register, [s.name, s.journalId, s.host, s.pid]);
  if (rows.length > 0) return;
  const [owner] = await hub.run<{ journalId: string; host: string }>(S.owner, [s.name]);
  throw new HubError(
    'station-taken',
    `station name ${s.name} is already used by another journal (last seen on ${owner?.host ?? '?'}); give this station its own --station name`,
  );
}

/** Records the programmers a station drives now (a programmer that moved stations follows it). */
export async function putProgrammers(hub: Hub, station: string, list: PublishedProgrammer[]): Promise<void> {
  await hub.tx(async (c) => {
    for (const p of list) await q(c, S.programmer, [p.serial, station, p.name, p.driver, p.model, p.sites]);
  });
}

/** Records where an adapter is now; a change of place or status adds a line to its history (the first sighting too). */
export async function putAdapter(hub: Hub, a: AdapterPlace): Promise<boolean> {
  return hub.tx(async (c) => {
    const [was] = await q<{ station: string | null; programmer: string | null; site: number | null; status: string }>(c, S.adapterNow, [a.serial]);
    await q(c, S.adapterPut, [a.serial, a.adapterType, a.station, a.programmer, a.site, a.status, a.registeredAt ?? null]);
    if (a.socket) await q(c, S.socket, [a.serial, a.socket.priorInsertions, a.socket.since, a.socket.overrideLife]);
    const moved = !was || was.station !== a.station || was.programmer !== a.programmer || was.site !== a.site || was.status !== a.status;
    if (moved) await q(c, S.adapterHistory, [a.serial, a.station, a.programmer, a.site, a.status]);
    return moved;
  });
}

/** Every place an adapter has been, oldest first. */
export async function adapterHistory(hub: Hub, serial: string): Promise<{ at: Date; station: string | null; programmer: string | null; site: number | null; status: string }[]> {
  return hub.run(S.history, [serial]);
}

/** Every adapter the hub knows, with where it is now and its insertions uploaded. */
export async function adapterInventory(hub: Hub): Promise<(AdapterPlace & { insertions: number })[]> {
  return hub.run(S.inventory);
}
