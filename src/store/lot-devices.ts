import type { Db } from '../db/open.js';
import { statements } from './statements.js';

/** One device of a lot as exported for MES import: its final result and where its final attempt ran. */
export interface DeviceRow {
  lot: string;
  reel: string;
  seq: number;
  result: 'pass' | 'fail';
  failureCode: string | null;
  /** Stage of the final attempt's failure (null on a pass). */
  stage: string | null;
  serial: string | null;
  /** What became of the device's serial value: written (`used`); returned to the pool by an attempt that failed
   * before programming and issued again to a later attempt of this device (`reused-after-retry`); or voided because
   * the device failed after programming began (`voided`); null when the job writes no serials. */
  serialState: 'used' | 'reused-after-retry' | 'voided' | null;
  /** Serial numbers voided for this device (comma-separated), or null. */
  voidedSerials: string | null;
  /** Insertions of this device. */
  attempts: number;
  programmer: string | null;
  site: number | null;
  adapter: string | null;
  finishedAt: string;
  /** When the device's first insertion started. */
  firstStartedAt: string | null;
  job: string;
  jobVersion: number;
  chip: string;
  dateCode: string | null;
  imageSha256: string;
  /** Every field the passed device's serial value wrote, `name=text` joined with `;` (serial, MAC, key …). */
  serialFields: string | null;
  /** Who ran the device's final insertion (null before schema 6). */
  operator: string | null;
}

const FAMILY = { name: 'lot-devices' };

/** One device's key in a correlated subquery over `alias`. */
const sameDevice = (alias: string) => `${alias}.lot_id = d.lot_id AND ${alias}.reel_id = d.reel_id AND ${alias}.seq = d.seq`;

/** Serial numbers voided for the device, from the ledger and (for lots from before it) the old `serials` table. */
const VOIDED = `(SELECT group_concat(value, ',') FROM (SELECT v.value FROM serial_ledger v WHERE ${sameDevice('v')} AND v.state = 'voided'
                   UNION ALL SELECT o.serial FROM legacy_void o WHERE o.reel_id = d.reel_id AND o.seq = d.seq))`;

// Every per-device value is a keyed lookup on the device's own rows (attempts' and the ledger's (lot, reel, seq)
// indexes), so the walk holds nothing per device: no temporary table of the lot's attempts. Only the old `serials`
// table's voided numbers (lots from before the ledger; none are written now) are gathered once.
const prepare = (db: Db) =>
  db.prepare(
    `WITH legacy_void AS MATERIALIZED (SELECT reel_id, seq, serial FROM serials WHERE lot_id = @lot AND state = 'void')
     SELECT d.lot_id AS lot, d.reel_id AS reel, d.seq, d.result, d.failure_code AS failureCode,
            CASE WHEN d.result = 'fail' THEN a.stage END AS stage, d.serial,
            (SELECT count(*) FROM attempts c WHERE ${sameDevice('c')}) AS attempts, p.name AS programmer, a.site, ad.serial AS adapter, d.finished_at AS finishedAt,
            CASE WHEN d.serial IS NOT NULL AND EXISTS (SELECT 1 FROM attempts e WHERE ${sameDevice('e')} AND e.attempt < a.attempt AND e.serial = d.serial) THEN 'reused-after-retry'
                 WHEN d.serial IS NOT NULL THEN 'used'
                 WHEN ${VOIDED} IS NOT NULL THEN 'voided' END AS serialState,
            ${VOIDED} AS voidedSerials,
            (SELECT min(f.started_at) FROM attempts f WHERE ${sameDevice('f')}) AS firstStartedAt,
            j.name AS job, j.version AS jobVersion, l.chip, r.date_code AS dateCode, j.image_sha256 AS imageSha256,
            (SELECT group_concat(json_extract(f.value, '$.name') || '=' || json_extract(f.value, '$.text'), ';')
               FROM serial_ledger sl, json_each(sl.data) f
              WHERE ${sameDevice('sl')} AND sl.state = 'committed') AS serialFields,
            ru.operator
       FROM devices d
       JOIN lots l ON l.id = d.lot_id
       JOIN jobs j ON j.id = l.job_id
       LEFT JOIN reels r ON r.lot_id = d.lot_id AND r.reel_id = d.reel_id
       LEFT JOIN attempts a ON ${sameDevice('a')} AND a.attempt = (SELECT max(m.attempt) FROM attempts m WHERE ${sameDevice('m')})
       LEFT JOIN runs ru ON ru.id = a.run_id
       LEFT JOIN programmers p ON p.id = a.programmer_id
       LEFT JOIN adapters ad ON ad.id = a.adapter_id
      WHERE d.lot_id = @lot
      ORDER BY d.reel_id, d.seq`,
  );

/**
 * The device rows of `lot`, by reel and sequence, one at a time straight from the database (memory stays flat in the
 * lot size). The statement is prepared once per connection; a second walk while one is still open gets its own.
 */
export function lotDevices(db: Db, lot: string): IterableIterator<DeviceRow> {
  let stmt = statements(db, FAMILY, prepare);
  if (stmt.busy) stmt = prepare(db);
  return stmt.iterate({ lot }) as IterableIterator<DeviceRow>;
}
