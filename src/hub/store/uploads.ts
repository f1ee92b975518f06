import { HubError } from '../../errors.js';
import { q, type Hub, type HubClient } from '../connection.js';
import { addEvent } from './events.js';
import type { UploadBatch, UploadedAttempt, UploadedDevice, UploadResult } from '../../records/station-wire.js';

/** The channel the hub NOTIFYs on after each upload that added rows, with the lot as payload (a hint to re-read). */
export const UPLOAD_CHANNEL = 'gangflash_hub';

interface ReelRow {
  lot: string;
  reel: string;
  station: string | null;
  epoch: number;
}

const S = {
  reels: {
    name: 'hub.upload.reels',
    // Locked in key order (no deadlock between two uploads); a `reel move` waits for the upload and vice versa.
    text: `SELECT r.lot_id AS lot, r.reel_id AS reel, r.station, r.epoch FROM reels r
           JOIN unnest($1::text[], $2::text[]) AS k(lot, reel) ON r.lot_id = k.lot AND r.reel_id = k.reel
           ORDER BY r.lot_id, r.reel_id FOR NO KEY UPDATE OF r`,
  },
  attempts: {
    name: 'hub.upload.attempts',
    text: `INSERT INTO attempts (id, station, lot_id, reel_id, seq, attempt, programmer, site, adapter, started_at, ended_at, result,
             failure_code, stage, bad_blocks, serial, epoch, late, operator, engineering, gangflash_version)
           SELECT u.id, $1, u.lot, u.reel, u.seq, u.attempt, u.programmer, u.site, u.adapter, u.started, u.ended, u.result, u.code,
             u.stage, u.bad, u.serial, u.epoch, u.late, u.operator, u.engineering, u.version
           FROM unnest($2::uuid[], $3::text[], $4::text[], $5::int[], $6::int[], $7::text[], $8::int[], $9::text[], $10::text[],
             $11::text[], $12::text[], $13::text[], $14::text[], $15::int[], $16::text[], $17::int[], $18::bool[], $19::text[], $20::bool[], $21::text[])
             AS u(id, lot, reel, seq, attempt, programmer, site, adapter, started, ended, result, code, stage, bad, serial, epoch, late, operator, engineering, version)
           ON CONFLICT (id) DO NOTHING RETURNING lot_id AS lot, result, adapter, late, started_at AS started`,
  },
  adapters: {
    name: 'hub.upload.adapter-insertions',
    // Every insertion counts for the adapter; those started on its current socket receptacle count for its wear too.
    text: `UPDATE adapters a SET insertions = a.insertions + u.n, since_socket = a.since_socket + u.since
           FROM (SELECT x.serial, count(*) AS n, count(*) FILTER (WHERE ad.socket_since IS NULL OR x.started COLLATE "C" >= ad.socket_since) AS since
                   FROM unnest($1::text[], $2::text[]) AS x(serial, started) JOIN adapters ad ON ad.serial = x.serial GROUP BY x.serial) u
           WHERE a.serial = u.serial`,
  },
  devices: {
    name: 'hub.upload.devices',
    text: `INSERT INTO devices (lot_id, reel_id, seq, result, failure_code, serial, station, epoch, late, finished_at)
           SELECT u.lot, u.reel, u.seq, u.result, u.code, u.serial, $1, u.epoch, u.late, u.finished
           FROM unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::int[], $9::bool[], $10::text[])
             AS u(lot, reel, seq, result, code, serial, epoch, late, finished)
           ON CONFLICT (lot_id, reel_id, seq) DO NOTHING RETURNING lot_id AS lot, reel_id AS reel, seq`,
  },
  existing: {
    name: 'hub.upload.device-existing',
    text: `SELECT station, epoch, late, result, failure_code AS "failureCode", serial, finished_at AS "finishedAt" FROM devices
           WHERE lot_id = $1 AND reel_id = $2 AND seq = $3 FOR UPDATE`,
  },
  conflict: {
    name: 'hub.upload.device-conflict',
    text: `INSERT INTO device_conflicts (lot_id, reel_id, seq, station, epoch, result, failure_code, serial, finished_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING seq`,
  },
  replace: {
    name: 'hub.upload.device-replace',
    text: `UPDATE devices SET result = $4, failure_code = $5, serial = $6, station = $7, epoch = $8, late = false, finished_at = $9, uploaded_at = now()
           WHERE lot_id = $1 AND reel_id = $2 AND seq = $3`,
  },
  reelCounts: {
    name: 'hub.upload.reel-counts',
    text: `UPDATE reels r SET recorded = r.recorded + u.n, last_seq = greatest(r.last_seq, u.last)
           FROM unnest($1::text[], $2::text[], $3::int[], $4::int[]) AS u(lot, reel, n, last) WHERE r.lot_id = u.lot AND r.reel_id = u.reel`,
  },
  rules: { name: 'hub.upload.rules', text: `SELECT id::int AS id, name FROM serial_rules WHERE name = ANY($1::text[])` },
  ledger: {
    name: 'hub.upload.ledger',
    text: `INSERT INTO serial_ledger (rule_id, k, value, state, station, lot_id, reel_id, seq, attempt, reason, fields)
           SELECT u.rule, u.k, u.value, u.state, $1, u.lot, u.reel, u.seq, u.attempt, u.reason, u.fields::jsonb
           FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::int[], $10::text[], $11::text[])
             AS u(rule, k, value, state, lot, reel, seq, attempt, reason, fields)
           ON CONFLICT (rule_id, k) DO NOTHING RETURNING k`,
  },
  totals: {
    name: 'hub.upload.totals',
    text: `INSERT INTO lot_totals AS t (lot_id, station, attempts, passed_attempts, devices, passed, failed, late, conflicts, last_upload_at)
           SELECT u.lot, u.station, u.a, u.ap, u.d, u.p, u.f, u.l, u.c, now()
           FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::int[], $6::int[], $7::int[], $8::int[], $9::int[]) AS u(lot, station, a, ap, d, p, f, l, c)
           ON CONFLICT (lot_id, station) DO UPDATE SET attempts = t.attempts + excluded.attempts, passed_attempts = t.passed_attempts + excluded.passed_attempts,
             devices = t.devices + excluded.devices, passed = t.passed + excluded.passed, failed = t.failed + excluded.failed,
             late = t.late + excluded.late, conflicts = t.conflicts + excluded.conflicts, last_upload_at = now()`,
  },
  notify: { name: 'hub.upload.notify', text: `SELECT pg_notify('${UPLOAD_CHANNEL}', $1)` },
} as const;

/** Per (lot, station) increments of lot_totals. */
class Tally {
  readonly rows = new Map<string, { lot: string; station: string; a: number; ap: number; d: number; p: number; f: number; l: number; c: number }>();
  of(lot: string, station: string) {
    const key = `${lot}\0${station}`;
    let t = this.rows.get(key);
    if (!t) this.rows.set(key, (t = { lot, station, a: 0, ap: 0, d: 0, p: 0, f: 0, l: 0, c: 0 }));
    return t;
  }
}

/**
 * Records a station's batch in one transaction, idempotently: an attempt already on the hub (same id), a device
 * already recorded by the same station and epoch, a serial value already recorded: counted as known, never twice.
 * Rows recorded under a fenced epoch (the reel was moved since) are accepted as late and reported: a late device
 * whose (reel, seq) the reel's current holder recorded is kept apart in device_conflicts; a late device recorded
 * first gives way to the current holder's when that one arrives (kept in device_conflicts then). A row claiming an
 * epoch the hub never gave is refused with the whole batch.
 */
export async function uploadBatch(hub: Hub, batch: UploadBatch): Promise<UploadResult> {
  const out: UploadResult = { attempts: { added: 0, known: 0, late: 0 }, devices: { added: 0, known: 0, late: 0, conflicts: 0 }, ledger: { added: 0, known: 0 } };
  if (batch.attempts.length + batch.devices.length + batch.ledger.length === 0) return out;
  try {
    return await hub.tx(async (c) => {
      const reels = await lockReels(c, batch);
      const late = (x: { lot: string; reel: string; epoch: number }) => isLate(batch.station, reels, x);
      const tally = new Tally();
      await attempts(c, batch, late, tally, out);
      const lateReels = await devices(c, batch, late, tally, out);
      await ledger(c, batch, out);
      const t = [...tally.rows.values()].filter((r) => r.a + r.d + r.c > 0);
      if (t.length > 0) {
        await q(c, S.totals, [t.map((r) => r.lot), t.map((r) => r.station), t.map((r) => r.a), t.map((r) => r.ap), t.map((r) => r.d), t.map((r) => r.p), t.map((r) => r.f), t.map((r) => r.l), t.map((r) => r.c)]);
      }
      for (const [key, n] of lateReels) {
        const [lot, reel] = key.split('\0');
        const r = reels.get(key)!;
        await addEvent(c, {
          station: batch.station, lot, kind: 'alarm', code: 'late-upload',
          message: `station ${batch.station} uploaded ${n.devices} device(s) of reel ${reel} under a fenced epoch (reel now epoch ${r.epoch} at ${r.station ?? 'no station'}); accepted as late, ${n.conflicts} kept apart as conflicting with the current holder's`,
          data: { reel, devices: n.devices, conflicts: n.conflicts, epoch: r.epoch },
        });
      }
      for (const lot of new Set(t.map((r) => r.lot))) await q(c, S.notify, [lot]);
      return out;
    });
  } catch (e) {
    throw ledgerError(e);
  }
}

async function lockReels(c: HubClient, batch: UploadBatch): Promise<Map<string, ReelRow>> {
  const keys = new Map<string, { lot: string; reel: string }>();
  for (const x of [...batch.attempts, ...batch.devices]) keys.set(`${x.lot}\0${x.reel}`, x);
  const list = [...keys.values()];
  const rows = await q<ReelRow>(c, S.reels, [list.map((k) => k.lot), list.map((k) => k.reel)]);
  const reels = new Map(rows.map((r) => [`${r.lot}\0${r.reel}`, r]));
  for (const [key, k] of keys) {
    if (!reels.has(key)) throw new HubError('upload-unknown-reel', `station ${batch.station} uploaded records of reel ${k.reel} of lot ${k.lot}, which the hub does not have`);
  }
  return reels;
}

/** True for a row recorded under an epoch the reel has left; refuses an epoch the hub never gave. */
function isLate(station: string, reels: Map<string, ReelRow>, x: { lot: string; reel: string; epoch: number }): boolean {
  const r = reels.get(`${x.lot}\0${x.reel}`)!;
  if (x.epoch > r.epoch || x.epoch < 1) {
    throw new HubError('upload-bad-epoch', `station ${station} uploaded reel ${x.reel} of lot ${x.lot} under epoch ${x.epoch}, which the hub never gave (now ${r.epoch})`);
  }
  return x.epoch < r.epoch || (r.station !== null && r.station !== station);
}

async function attempts(c: HubClient, batch: UploadBatch, late: (x: UploadedAttempt) => boolean, tally: Tally, out: UploadResult): Promise<void> {
  const a = batch.attempts;
  if (a.length === 0) return;
  const lates = a.map(late);
  const added = await q<{ lot: string; result: string; adapter: string | null; late: boolean; started: string }>(c, S.attempts, [
    batch.station, a.map((x) => x.id), a.map((x) => x.lot), a.map((x) => x.reel), a.map((x) => x.seq), a.map((x) => x.attempt),
    a.map((x) => x.programmer), a.map((x) => x.site), a.map((x) => x.adapter), a.map((x) => x.startedAt), a.map((x) => x.endedAt),
    a.map((x) => x.result), a.map((x) => x.failureCode), a.map((x) => x.stage), a.map((x) => x.badBlocks), a.map((x) => x.serial),
    a.map((x) => x.epoch), lates, a.map((x) => x.operator ?? null), a.map((x) => x.engineering ?? null), a.map((x) => x.gangflashVersion ?? null),
  ]);
  out.attempts.added = added.length;
  out.attempts.known = a.length - added.length;
  const withAdapter: { serial: string; started: string }[] = [];
  for (const r of added) {
    if (r.late) out.attempts.late++;
    if (r.adapter !== null) withAdapter.push({ serial: r.adapter, started: r.started });
    if (r.result === 'interrupted') continue;
    const t = tally.of(r.lot, batch.station);
    t.a++;
    if (r.result === 'pass') t.ap++;
  }
  if (withAdapter.length > 0) await q(c, S.adapters, [withAdapter.map((x) => x.serial), withAdapter.map((x) => x.started)]);
}

async function devices(c: HubClient, batch: UploadBatch, late: (x: UploadedDevice) => boolean, tally: Tally, out: UploadResult): Promise<Map<string, { devices: number; conflicts: number }>> {
  const lateReels = new Map<string, { devices: number; conflicts: number }>();
  const d = batch.devices;
  if (d.length === 0) return lateReels;
  const lates = d.map(late);
  const added = await q<{ lot: string; reel: string; seq: number }>(c, S.devices, [
    batch.station, d.map((x) => x.lot), d.map((x) => x.reel), d.map((x) => x.seq), d.map((x) => x.result), d.map((x) => x.failureCode),
    d.map((x) => x.serial), d.map((x) => x.epoch), lates, d.map((x) => x.finishedAt),
  ]);
  const key = (x: { lot: string; reel: string; seq: number }) => `${x.lot}\0${x.reel}\0${x.seq}`;
  const inserted = new Set(added.map(key));
  const perReel = new Map<string, { lot: string; reel: string; n: number; last: number }>();
  const count = (x: UploadedDevice, isLate: boolean, conflict: boolean, inDevices: boolean) => {
    const t = tally.of(x.lot, batch.station);
    t.d++;
    if (x.result === 'pass') t.p++;
    else t.f++;
    if (isLate) t.l++;
    if (conflict) t.c++;
    const rk = `${x.lot}\0${x.reel}`;
    const r = perReel.get(rk) ?? { lot: x.lot, reel: x.reel, n: 0, last: 0 };
    r.n++;
    if (inDevices) r.last = Math.max(r.last, x.seq);
    perReel.set(rk, r);
    if (isLate) {
      const l = lateReels.get(rk) ?? { devices: 0, conflicts: 0 };
      l.devices++;
      if (conflict) l.conflicts++;
      lateReels.set(rk, l);
    }
  };
  for (let i = 0; i < d.length; i++) {
    const x = d[i];
    if (inserted.has(key(x))) {
      out.devices.added++;
      if (lates[i]) out.devices.late++;
      count(x, lates[i], false, true);
      continue;
    }
    const [had] = await q<{ station: string; epoch: number; late: boolean; result: string; failureCode: string | null; serial: string | null; finishedAt: string }>(c, S.existing, [x.lot, x.reel, x.seq]);
    if (had.station === batch.station && had.epoch === x.epoch) {
      out.devices.known++;
      continue;
    }
    const conflictOf = (v: { result: string; failureCode: string | null; serial: string | null; finishedAt: string }, station: string, epoch: number) =>
      q(c, S.conflict, [x.lot, x.reel, x.seq, station, epoch, v.result, v.failureCode, v.serial, v.finishedAt]);
    if (!lates[i] && had.late) {
      // The current holder's device takes the row; the late one it displaces is kept apart (it stays counted).
      await conflictOf(had, had.station, had.epoch);
      await q(c, S.replace, [x.lot, x.reel, x.seq, x.result, x.failureCode, x.serial, batch.station, x.epoch, x.finishedAt]);
      tally.of(x.lot, had.station).c++;
      out.devices.added++;
      count(x, false, false, true);
      continue;
    }
    if ((await conflictOf(x, batch.station, x.epoch)).length === 0) {
      out.devices.known++;
      continue;
    }
    out.devices.added++;
    out.devices.conflicts++;
    if (lates[i]) out.devices.late++;
    count(x, lates[i], true, false);
  }
  const r = [...perReel.values()];
  if (r.length > 0) await q(c, S.reelCounts, [r.map((x) => x.lot), r.map((x) => x.reel), r.map((x) => x.n), r.map((x) => x.last)]);
  return lateReels;
}

async function ledger(c: HubClient, batch: UploadBatch, out: UploadResult): Promise<void> {
  const l = batch.ledger;
  if (l.length === 0) return;
  const names = [...new Set(l.map((x) => x.rule))];
  const ids = new Map((await q<{ id: number; name: string }>(c, S.rules, [names])).map((r) => [r.name, r.id]));
  for (const n of names) if (!ids.has(n)) throw new HubError('rule-unknown', `station ${batch.station} uploaded values of serial rule ${n}, which is not on the hub`);
  const added = await q(c, S.ledger, [
    batch.station, l.map((x) => ids.get(x.rule)), l.map((x) => x.k), l.map((x) => x.value), l.map((x) => x.state), l.map((x) => x.lot),
    l.map((x) => x.reel), l.map((x) => x.seq), l.map((x) => x.attempt), l.map((x) => x.reason), l.map((x) => x.fields ?? null),
  ]);
  out.ledger.added = added.length;
  out.ledger.known = l.length - added.length;
}

/** The database's refusals of a serial value, as hub errors a station reports. */
function ledgerError(e: unknown): unknown {
  const err = e as { code?: string; constraint?: string; message?: string };
  if (err.code === '23505' && err.constraint === 'serial_ledger_value') {
    return new HubError('serial-repeated', `a serial value uploaded is recorded on the hub under another index of its rule: the hub never records a value twice (${err.message})`);
  }
  if (err.code === '23514' && /^serial-outside-block/.test(err.message ?? '')) return new HubError('serial-outside-block', err.message!);
  return e;
}
