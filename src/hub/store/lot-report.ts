import { q, type HubClient } from '../connection.js';
import { LOT_COUNTS, type HubLotCounts } from './lot-counts.js';
import type { DeviceOrigin, DeviceRow } from '../../records/report-rows.js';

export type { HubLotCounts } from './lot-counts.js';

/** A lot's insertions, first and last times, and its first insertions that finished and passed (every station). */
export interface HubAttemptSummary {
  attempts: number;
  startedAt: string | null;
  endedAt: string | null;
  first: number;
  firstPass: number;
}

/** Finished insertions of one programmer site in a lot, and whether its station says the site is disabled now. */
export interface HubSiteAttempts {
  programmer: string;
  site: number;
  attempts: number;
  passed: number;
  disabled: boolean;
}

/** Failed insertions with one failure code, and the devices that ended with it. */
export interface HubFailureCode {
  code: string;
  attempts: number;
  devices: number;
}

/** Finished devices (first writers' rows and the ones kept apart), first and last finish in epoch milliseconds. */
export interface HubFinishSpan {
  devices: number;
  firstMs: number | null;
  lastMs: number | null;
}

/** Finished devices within one time bucket (bucket k covers t0 + k·step up to the next). */
export interface HubFinishBucket {
  bucket: number;
  passed: number;
  failed: number;
}

/** One device row of a lot as the hub has it: the station report's columns, then the row's station, epoch and how it came. */
export type HubDeviceRow = DeviceRow & DeviceOrigin;

// Every device the hub counts for a lot: the first writers' rows and the ones a fenced holder uploaded apart.
const DEVICES = `d AS (SELECT lot_id, reel_id, seq, result, failure_code, serial, finished_at, station, epoch, late, false AS conflict FROM devices WHERE lot_id = $1
                       UNION ALL
                       SELECT lot_id, reel_id, seq, result, failure_code, serial, finished_at, station, epoch, true, true FROM device_conflicts WHERE lot_id = $1)`;
// A programmer's name as its station shows it; prefixed with its station when two stations use the same name.
const LABELS = `pn AS (SELECT serial, CASE WHEN count(*) OVER (PARTITION BY name) > 1 THEN station || '/' || name ELSE name END AS label FROM programmers)`;
// A device's finish time in epoch milliseconds (what Date.parse gives for the station's ISO text).
const FINISHED_MS = `round(extract(epoch FROM d.finished_at::timestamptz) * 1000)::float8`;
// The rows of the device's own station: a fenced holder's insertions of the same position belong to its own row.
const same = (alias: string) => `${alias}.lot_id = d.lot_id AND ${alias}.reel_id = d.reel_id AND ${alias}.seq = d.seq AND ${alias}.station = d.station`;

/** The name of the cursor a device walk reads through (one walk per snapshot). */
const CURSOR = 'hub_lot_devices';
/** Rows fetched from the cursor at a time. */
const BATCH = 500;

const S = {
  counts: { name: 'hub.report.counts', text: `${LOT_COUNTS} WHERE l.id = $1` },
  lots: { name: 'hub.report.lots', text: `SELECT id FROM lots ORDER BY created_at DESC, id LIMIT 5` },
  summary: {
    name: 'hub.report.summary',
    text: `SELECT count(*)::int AS attempts, min(started_at COLLATE "C") AS "startedAt", max(ended_at COLLATE "C") AS "endedAt",
                  count(*) FILTER (WHERE attempt = 1 AND result IN ('pass', 'fail'))::int AS first,
                  count(*) FILTER (WHERE attempt = 1 AND result = 'pass')::int AS "firstPass"
             FROM attempts WHERE lot_id = $1`,
  },
  sites: {
    name: 'hub.report.sites',
    text: `WITH ${LABELS}
           SELECT pn.label AS programmer, a.site, count(*)::int AS attempts, count(*) FILTER (WHERE a.result = 'pass')::int AS passed,
                  coalesce(bool_or(NOT s.enabled), false) AS disabled
             FROM attempts a JOIN pn ON pn.serial = a.programmer LEFT JOIN sites s ON s.programmer = a.programmer AND s.site = a.site
            WHERE a.lot_id = $1 AND a.result IN ('pass', 'fail')
            GROUP BY pn.label, a.site ORDER BY pn.label COLLATE "C", a.site`,
  },
  codes: {
    name: 'hub.report.codes',
    text: `WITH ${DEVICES}
           SELECT a.failure_code AS code, count(*)::int AS attempts, (SELECT count(*)::int FROM d WHERE d.failure_code = a.failure_code) AS devices
             FROM attempts a WHERE a.lot_id = $1 AND a.result = 'fail'
            GROUP BY a.failure_code ORDER BY count(*) DESC, a.failure_code COLLATE "C"`,
  },
  span: {
    name: 'hub.report.span',
    text: `WITH ${DEVICES} SELECT count(*)::int AS devices, min(${FINISHED_MS}) AS "firstMs", max(${FINISHED_MS}) AS "lastMs" FROM d`,
  },
  buckets: {
    name: 'hub.report.buckets',
    text: `WITH ${DEVICES}
           SELECT floor((${FINISHED_MS} - $2::float8) / $3::float8)::int AS bucket, count(*) FILTER (WHERE d.result = 'pass')::int AS passed,
                  count(*) FILTER (WHERE d.result <> 'pass')::int AS failed
             FROM d GROUP BY 1 ORDER BY 1`,
  },
  declare: {
    name: 'hub.report.devices',
    // Every per-device value is a keyed lookup on the device's own rows (the attempts' and the ledger's (lot, reel,
    // seq) indexes): the cursor holds nothing per device but its sort. Reels sort bytewise, as a station sorts them.
    text: `DECLARE ${CURSOR} NO SCROLL CURSOR FOR
           WITH ${DEVICES}, ${LABELS}
           SELECT d.lot_id AS lot, d.reel_id AS reel, d.seq, d.result, d.failure_code AS "failureCode",
                  CASE WHEN d.result = 'fail' THEN a.stage END AS stage, d.serial,
                  (SELECT count(*)::int FROM attempts c WHERE ${same('c')}) AS attempts, pn.label AS programmer, a.site, a.adapter,
                  d.finished_at AS "finishedAt",
                  CASE WHEN d.serial IS NOT NULL AND EXISTS (SELECT 1 FROM attempts e WHERE ${same('e')} AND e.attempt < a.attempt AND e.serial = d.serial)
                         THEN 'reused-after-retry'
                       WHEN d.serial IS NOT NULL THEN 'used'
                       WHEN v.voided IS NOT NULL THEN 'voided' END AS "serialState",
                  v.voided AS "voidedSerials",
                  (SELECT min(f.started_at COLLATE "C") FROM attempts f WHERE ${same('f')}) AS "firstStartedAt",
                  j.name AS job, j.version AS "jobVersion", l.chip, r.date_code AS "dateCode", j.image_sha256 AS "imageSha256",
                  (SELECT string_agg((f.e->>'name') || '=' || (f.e->>'text'), ';' ORDER BY sl.k, f.n)
                     FROM serial_ledger sl CROSS JOIN LATERAL jsonb_array_elements(sl.fields) WITH ORDINALITY AS f(e, n)
                    WHERE ${same('sl')} AND sl.state = 'committed') AS "serialFields",
                  a.operator,
                  d.station, d.epoch, d.late, d.conflict
             FROM d JOIN lots l ON l.id = d.lot_id JOIN jobs j ON j.id = l.job_id
             LEFT JOIN reels r ON r.lot_id = d.lot_id AND r.reel_id = d.reel_id
             LEFT JOIN LATERAL (SELECT m.attempt, m.stage, m.programmer, m.site, m.adapter, m.operator FROM attempts m WHERE ${same('m')}
                                 ORDER BY m.attempt DESC, m.started_at DESC LIMIT 1) a ON true
             LEFT JOIN pn ON pn.serial = a.programmer
             LEFT JOIN LATERAL (SELECT string_agg(sl.value, ',' ORDER BY sl.k) AS voided FROM serial_ledger sl
                                 WHERE ${same('sl')} AND sl.state = 'voided') v ON true
            ORDER BY d.reel_id COLLATE "C", d.seq, d.conflict, d.station COLLATE "C", d.epoch`,
  },
  fetch: { name: 'hub.report.fetch', text: `FETCH ${BATCH} FROM ${CURSOR}` },
} as const;

/** The lot's counts, or undefined when the hub has no such lot. */
export async function hubLotCounts(c: HubClient, lot: string): Promise<HubLotCounts | undefined> {
  return (await q<HubLotCounts & Record<string, unknown>>(c, S.counts, [lot]))[0];
}

/** The ids of the hub's five newest lots (for an error naming what exists). */
export async function hubRecentLots(c: HubClient): Promise<string[]> {
  return (await q<{ id: string }>(c, S.lots)).map((r) => r.id);
}

/** The lot's insertion count, time span and first-insertion results. */
export async function hubAttemptSummary(c: HubClient, lot: string): Promise<HubAttemptSummary> {
  return (await q<HubAttemptSummary & Record<string, unknown>>(c, S.summary, [lot]))[0];
}

/** Finished insertions per programmer site of a lot, by programmer name and site. */
export async function hubSiteAttempts(c: HubClient, lot: string): Promise<HubSiteAttempts[]> {
  return q(c, S.sites, [lot]);
}

/** Failed insertions of a lot by failure code, most first. */
export async function hubFailureCodes(c: HubClient, lot: string): Promise<HubFailureCode[]> {
  return q(c, S.codes, [lot]);
}

/** How many devices of a lot finished, and the first and last finish times. */
export async function hubFinishSpan(c: HubClient, lot: string): Promise<HubFinishSpan> {
  return (await q<HubFinishSpan & Record<string, unknown>>(c, S.span, [lot]))[0];
}

/** Finished devices of a lot per time bucket of `stepMs` from `t0Ms`, by bucket; empty buckets are left out. */
export async function hubFinishBuckets(c: HubClient, lot: string, t0Ms: number, stepMs: number): Promise<HubFinishBucket[]> {
  return q(c, S.buckets, [lot, t0Ms, stepMs]);
}

/**
 * The device rows of `lot` by reel and sequence, each position's first writer before the rows kept apart, in batches
 * of at most 500 as a server-side cursor hands them out (memory flat in the lot size). Call it inside `Hub.snapshot`.
 */
export async function* hubLotDevices(c: HubClient, lot: string): AsyncGenerator<HubDeviceRow[]> {
  await q(c, S.declare, [lot]);
  for (;;) {
    const rows = await q<HubDeviceRow & Record<string, unknown>>(c, S.fetch);
    if (rows.length > 0) yield rows;
    if (rows.length < BATCH) return;
  }
}
