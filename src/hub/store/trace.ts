import type { Hub } from '../connection.js';
import type { TraceAttemptRow, TraceDeviceRow, TraceLedgerRow } from '../../records/trace-rows.js';

/** A device position as the hub knows it: the trace's row and, once uploaded, the station that made it. */
export interface HubTraceDevice extends TraceDeviceRow {
  /** Station whose upload this row is; null for a position no station has uploaded yet. */
  station: string | null;
  epoch: number | null;
  /** Uploaded by a holder fenced by a reel move; `conflict`: kept apart from the row of the reel's new holder. */
  late: boolean;
  conflict: boolean;
}

/** One uploaded insertion of a device (its adapter's insertions counted by start time, then site). */
export interface HubTraceAttempt extends TraceAttemptRow {
  id: string;
  station: string;
}

/** A row of the hub's serial ledger, with the station that uploaded it. */
export interface HubTraceLedger extends TraceLedgerRow {
  station: string;
}

const LEDGER = `SELECT r.name AS rule, l.k::int AS k, l.value, l.state, l.station, l.lot_id AS lot, l.reel_id AS reel, l.seq, l.attempt, l.reason, l.fields,
                       to_char(l.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
                  FROM serial_ledger l JOIN serial_rules r ON r.id = l.rule_id`;

const S = {
  devices: {
    name: 'hub.trace.devices',
    // The first writer's row, every row a fenced holder uploaded apart, or the bare position when none is uploaded.
    text: `WITH k AS (SELECT $1::text AS lot, $2::text AS reel, $3::int AS seq),
           d AS (SELECT lot_id, reel_id, seq, station, epoch, late, false AS conflict, result, failure_code, serial, finished_at FROM devices
                  WHERE lot_id = $1 AND reel_id = $2 AND seq = $3
                 UNION ALL
                 SELECT lot_id, reel_id, seq, station, epoch, true, true, result, failure_code, serial, finished_at FROM device_conflicts
                  WHERE lot_id = $1 AND reel_id = $2 AND seq = $3)
           SELECT k.lot, k.reel, k.seq, r.date_code AS "dateCode", r.part, l.chip, j.id::int AS "jobId", j.name AS "jobName", j.version AS "jobVersion",
                  j.image_sha256 AS "imageSha256", NULL::text AS "imagePath", d.station, d.epoch, coalesce(d.late, false) AS late, coalesce(d.conflict, false) AS conflict,
                  d.result, d.failure_code AS "failureCode", d.serial, d.finished_at AS "finishedAt"
             FROM k JOIN lots l ON l.id = k.lot JOIN jobs j ON j.id = l.job_id
             JOIN reels r ON r.lot_id = k.lot AND r.reel_id = k.reel AND k.seq BETWEEN 1 AND r.quantity
             LEFT JOIN d ON true
            ORDER BY d.conflict NULLS FIRST, d.station, d.epoch`,
  },
  attempts: {
    name: 'hub.trace.attempts',
    text: `SELECT a.id::text AS id, a.station, a.attempt, coalesce(p.name, a.programmer) AS programmer, a.programmer AS "programmerSerial", p.driver, a.site,
                  a.adapter, ad.adapter_type AS "adapterType",
                  CASE WHEN a.adapter IS NULL THEN NULL ELSE
                    (SELECT count(*)::int FROM attempts x WHERE x.adapter = a.adapter AND (x.started_at, x.site) <= (a.started_at, a.site)) END AS "adapterInsertions",
                  a.started_at AS "startedAt", a.ended_at AS "endedAt", a.result, a.stage, a.failure_code AS "failureCode", a.bad_blocks AS "badBlocks", a.serial,
                  a.operator, a.engineering, a.gangflash_version AS "gangflashVersion"
             FROM attempts a LEFT JOIN programmers p ON p.serial = a.programmer LEFT JOIN adapters ad ON ad.serial = a.adapter
            WHERE a.lot_id = $1 AND a.reel_id = $2 AND a.seq = $3 AND ($4::text IS NULL OR a.station = $4)
            ORDER BY a.attempt, a.started_at`,
  },
  ledgerOfDevice: { name: 'hub.trace.ledger-device', text: `${LEDGER} WHERE l.lot_id = $1 AND l.reel_id = $2 AND l.seq = $3 AND ($4::text IS NULL OR l.station = $4) ORDER BY l.k` },
  ledgerOfValue: { name: 'hub.trace.ledger-value', text: `${LEDGER} WHERE l.value = $1 ORDER BY r.name COLLATE "C"` },
  devicesOfSerial: {
    name: 'hub.trace.devices-of-serial',
    text: `SELECT lot_id AS lot, reel_id AS reel, seq FROM attempts WHERE serial = $1
           UNION SELECT lot_id, reel_id, seq FROM devices WHERE serial = $1
           UNION SELECT lot_id, reel_id, seq FROM device_conflicts WHERE serial = $1`,
  },
} as const;

/** The rows of a device position (none when the lot, reel or position does not exist). */
export async function hubTraceDevices(hub: Hub, lot: string, reel: string, seq: number): Promise<HubTraceDevice[]> {
  return hub.run(S.devices, [lot, reel, seq]);
}

/** A device's uploaded insertions, of one station or of all. */
export async function hubTraceAttempts(hub: Hub, lot: string, reel: string, seq: number, station: string | null): Promise<HubTraceAttempt[]> {
  return hub.run(S.attempts, [lot, reel, seq, station]);
}

/** The ledger rows that name a device, of one station or of all. */
export async function hubLedgerOfDevice(hub: Hub, lot: string, reel: string, seq: number, station: string | null): Promise<HubTraceLedger[]> {
  return hub.run(S.ledgerOfDevice, [lot, reel, seq, station]);
}

/** The ledger rows holding a serial value. */
export async function hubLedgerOfValue(hub: Hub, value: string): Promise<HubTraceLedger[]> {
  return hub.run(S.ledgerOfValue, [value]);
}

/** Device positions that held a serial value in an attempt or carry it as their final serial. */
export async function hubDevicesOfSerial(hub: Hub, value: string): Promise<{ lot: string; reel: string; seq: number }[]> {
  return hub.run(S.devicesOfSerial, [value]);
}
