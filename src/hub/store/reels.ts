import { HubError } from '../../errors.js';
import { q, type Hub } from '../connection.js';
import { addEvent } from './events.js';

/** A reel leased to a station: the epoch every upload for it carries, and the seq its holder starts at. */
export interface ReelLease {
  lot: string;
  reel: string;
  part: string;
  quantity: number;
  dateCode: string;
  epoch: number;
  /** First seq this holder programs: one after the last device the hub knew when the reel came to the station. */
  startSeq: number;
}

/** A reel's state on the hub, for `lot show --hub`. */
export interface HubReel {
  lot: string;
  reel: string;
  quantity: number;
  state: 'free' | 'held' | 'done';
  station: string | null;
  epoch: number;
  holder: string | null;
  heartbeatAt: Date | null;
  recorded: number;
  lastSeq: number;
}

const LEASE = `lot_id AS lot, reel_id AS reel, part, quantity, date_code AS "dateCode", epoch, start_seq AS "startSeq"`;
const LEASE_R = `r.lot_id AS lot, r.reel_id AS reel, r.part, r.quantity, r.date_code AS "dateCode", r.epoch, r.start_seq AS "startSeq"`;

const S = {
  next: {
    name: 'hub.reels.next',
    // The first free reel nobody else is taking this instant (SKIP LOCKED: two stations never wait for each other).
    text: `WITH pick AS (SELECT lot_id, reel_id FROM reels WHERE lot_id = $1 AND state = 'free' ORDER BY reel_id LIMIT 1 FOR UPDATE SKIP LOCKED)
           UPDATE reels r SET state = 'held', station = $2, holder = $3, epoch = r.epoch + 1, leased_at = now(), heartbeat_at = now(),
             start_seq = r.last_seq + 1
           FROM pick WHERE r.lot_id = pick.lot_id AND r.reel_id = pick.reel_id RETURNING ${LEASE_R}`,
  },
  lock: {
    name: 'hub.reels.lock',
    text: `SELECT lot_id AS lot, reel_id AS reel, quantity, state, station, epoch, holder, heartbeat_at AS "heartbeatAt", recorded, last_seq AS "lastSeq"
           FROM reels WHERE lot_id = $1 AND reel_id = $2 FOR UPDATE`,
  },
  take: {
    name: 'hub.reels.take',
    text: `UPDATE reels SET state = 'held', station = $3, holder = $4, epoch = epoch + 1, leased_at = now(), heartbeat_at = now(), start_seq = last_seq + 1
           WHERE lot_id = $1 AND reel_id = $2 RETURNING ${LEASE}`,
  },
  resume: {
    name: 'hub.reels.resume',
    text: `UPDATE reels SET holder = $3, heartbeat_at = now() WHERE lot_id = $1 AND station = $2 AND state = 'held'
           AND ($4::text IS NULL OR reel_id = $4) RETURNING ${LEASE}`,
  },
  beat: {
    name: 'hub.reels.heartbeat',
    text: `UPDATE reels SET heartbeat_at = now() WHERE station = $1 AND state = 'held' RETURNING ${LEASE}`,
  },
  stationBeat: { name: 'hub.stations.heartbeat', text: `UPDATE stations SET heartbeat_at = now() WHERE name = $1` },
  move: {
    name: 'hub.reels.move',
    text: `UPDATE reels SET state = 'held', station = $3, holder = NULL, epoch = epoch + 1, leased_at = now(), heartbeat_at = NULL, start_seq = last_seq + 1
           WHERE lot_id = $1 AND reel_id = $2 RETURNING ${LEASE}`,
  },
  finish: {
    name: 'hub.reels.finish',
    text: `UPDATE reels SET state = 'done', heartbeat_at = now() WHERE lot_id = $1 AND reel_id = $2 AND station = $3 AND epoch = $4 AND state = 'held' RETURNING reel_id`,
  },
  missing: {
    name: 'hub.reels.missing',
    // Every seq of the reel without a device row: what an earlier holder left unfinished, or what never arrived.
    text: `SELECT s::int AS seq FROM reels r CROSS JOIN generate_series(1, r.quantity) AS s
           WHERE r.lot_id = $1 AND r.reel_id = $2
             AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.lot_id = r.lot_id AND d.reel_id = r.reel_id AND d.seq = s)
           ORDER BY s LIMIT 100000`,
  },
  release: {
    name: 'hub.reels.release',
    text: `UPDATE reels SET state = 'free', station = NULL, holder = NULL, heartbeat_at = NULL WHERE lot_id = $1 AND reel_id = $2 AND station = $3 AND epoch = $4 AND state = 'held' RETURNING reel_id`,
  },
  station: { name: 'hub.stations.exists', text: `SELECT 1 FROM stations WHERE name = $1` },
  lotsOfReel: { name: 'hub.reels.lots-of', text: `SELECT lot_id AS lot FROM reels WHERE reel_id = $1 ORDER BY lot_id` },
  ofLot: {
    name: 'hub.reels.of-lot',
    text: `SELECT lot_id AS lot, reel_id AS reel, quantity, state, station, epoch, holder, heartbeat_at AS "heartbeatAt", recorded, last_seq AS "lastSeq"
           FROM reels WHERE lot_id = $1 ORDER BY reel_id`,
  },
} as const;

/** Leases the lot's next free reel to `station` (epoch + 1), or null when no reel is free. */
export async function leaseNextReel(hub: Hub, lot: string, station: string, holder: string): Promise<ReelLease | null> {
  return (await hub.run<ReelLease>(S.next, [lot, station, holder]))[0] ?? null;
}

/**
 * Leases the reel the operator loaded: a free reel is taken (epoch + 1); one this station holds already is resumed
 * under its epoch; one another station holds is refused (the chips are there: `reel move` first); a done one too.
 */
export async function leaseReel(hub: Hub, lot: string, reel: string, station: string, holder: string): Promise<ReelLease> {
  return hub.tx(async (c) => {
    const [r] = await q<HubReel>(c, S.lock, [lot, reel]);
    if (!r) throw new HubError('reel-unknown', `lot ${lot} has no reel ${reel} on the hub`);
    if (r.state === 'done') throw new HubError('reel-done', `reel ${reel} of lot ${lot} is done (${r.recorded} devices recorded by the hub)`);
    if (r.state === 'held' && r.station !== station) {
      throw new HubError('reel-held', `reel ${reel} of lot ${lot} is held by station ${r.station}; the chips are there: move it with \`gangflash reel move ${reel} --lot ${lot} --to ${station}\``);
    }
    if (r.state === 'held') return (await q<ReelLease>(c, S.resume, [lot, station, holder, reel]))[0];
    const [lease] = await q<ReelLease>(c, S.take, [lot, reel, station, holder]);
    await addEvent(c, { station, lot, kind: 'audit', code: 'reel-leased', message: `reel ${reel} leased to station ${station} (epoch ${lease.epoch})` });
    return lease;
  });
}

/** The reels of a lot this station holds already (a restarted station continues them under the same epochs). */
export async function resumeReels(hub: Hub, lot: string, station: string, holder: string): Promise<ReelLease[]> {
  return hub.run<ReelLease>(S.resume, [lot, station, holder, null]);
}

/**
 * Renews every reel lease of a station; returns the reels it holds with their epochs: one missing was moved away,
 * one new was moved to it by an operator.
 */
export async function heartbeat(hub: Hub, station: string): Promise<ReelLease[]> {
  return hub.tx(async (c) => {
    await q(c, S.stationBeat, [station]);
    return q<ReelLease>(c, S.beat, [station]);
  });
}

/**
 * Moves a reel to another station: the epoch grows, so the old holder is fenced (its later uploads for the reel are
 * reconciled as late, its lease calls refused), and the new holder starts after the last device the hub knows.
 */
export async function moveReel(hub: Hub, lot: string, reel: string, to: string, by: string): Promise<ReelLease & { from: string | null; fromEpoch: number }> {
  return hub.tx(async (c) => {
    const [r] = await q<HubReel>(c, S.lock, [lot, reel]);
    if (!r) throw new HubError('reel-unknown', `lot ${lot} has no reel ${reel} on the hub`);
    if (r.state === 'done') throw new HubError('reel-done', `reel ${reel} of lot ${lot} is done; there is nothing left to move`);
    if ((await q(c, S.station, [to])).length === 0) throw new HubError('station-unknown', `no station ${to} has registered with the hub (a station registers on its first \`run --hub\`)`);
    const [lease] = await q<ReelLease>(c, S.move, [lot, reel, to]);
    const msg = `reel ${reel} moved from ${r.station ?? 'no station'} (epoch ${r.epoch}) to ${to} (epoch ${lease.epoch}) by ${by}; ${to} continues at seq ${lease.startSeq}`;
    await addEvent(c, { station: to, lot, kind: 'audit', code: 'reel-moved', message: msg, data: { reel, from: r.station, to, fromEpoch: r.epoch, epoch: lease.epoch, by } });
    return { ...lease, from: r.station, fromEpoch: r.epoch };
  });
}

/**
 * Marks a reel done by its holder once the hub has a device for every seq of it; otherwise leaves it held and returns
 * the seqs it has no device for (an earlier holder stopped with devices unfinished: the holder programs them too).
 * Done already by the same holder: nothing missing. Refused (reel-lease-lost) under a fenced epoch.
 */
export async function finishReel(hub: Hub, lot: string, reel: string, station: string, epoch: number): Promise<{ missing: number[] }> {
  return hub.tx(async (c) => {
    const [r] = await q<HubReel>(c, S.lock, [lot, reel]);
    if (!r || r.station !== station || r.epoch !== epoch) throw leaseLost(lot, reel, station, epoch);
    if (r.state === 'done') return { missing: [] };
    const missing = (await q<{ seq: number }>(c, S.missing, [lot, reel])).map((m) => m.seq);
    if (missing.length > 0) return { missing };
    if ((await q(c, S.finish, [lot, reel, station, epoch])).length === 0) throw leaseLost(lot, reel, station, epoch);
    return { missing: [] };
  });
}

/** Gives a reel back (untouched tail stays with the reel); refused (reel-lease-lost) under a fenced epoch. */
export async function releaseReel(hub: Hub, lot: string, reel: string, station: string, epoch: number): Promise<void> {
  if ((await hub.run(S.release, [lot, reel, station, epoch])).length === 0) throw leaseLost(lot, reel, station, epoch);
}

/** The lots that have a reel with this id (to resolve `reel move RE-02` without --lot). */
export async function lotsOfReel(hub: Hub, reel: string): Promise<string[]> {
  return (await hub.run<{ lot: string }>(S.lotsOfReel, [reel])).map((r) => r.lot);
}

/** Every reel of a lot with its holder and what the hub has recorded of it. */
export async function reelsOfLot(hub: Hub, lot: string): Promise<HubReel[]> {
  return hub.run<HubReel>(S.ofLot, [lot]);
}

function leaseLost(lot: string, reel: string, station: string, epoch: number): HubError {
  return new HubError('reel-lease-lost', `station ${station} no longer holds reel ${reel} of lot ${lot} under epoch ${epoch}: it was moved or finished`);
}
