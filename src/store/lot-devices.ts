import type { Db } from '../db/open.js';
import { statements } from './statements.js';
import type { DeviceRow } from '../records/report-rows.js';

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
