import type { Db } from '../db/open.js';
import { statements } from './statements.js';
import type { TraceAttemptRow, TraceDeviceRow, TraceLedgerRow, WrittenField } from '../records/trace-rows.js';

/** A ledger row as SQLite holds it: the fields' bytes as JSON text. */
type StoredLedgerRow = Omit<TraceLedgerRow, 'fields'> & { data: string };

const fromStored = ({ data, ...r }: StoredLedgerRow): TraceLedgerRow => ({ ...r, fields: JSON.parse(data) as WrittenField[] });

const LEDGER = `SELECT r.name AS rule, l.k, l.value, l.data, l.state, l.lot_id AS lot, l.reel_id AS reel, l.seq, l.attempt, l.reason, l.at
                 FROM serial_ledger l JOIN serial_rules r ON r.id = l.rule_id`;

/** The statements behind `gangflash trace`, prepared once per connection. */
export class TraceStore {
  private readonly s;

  constructor(db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      device: p(
        `SELECT k.lot, k.reel, k.seq, r.date_code AS dateCode, r.part, l.chip, j.id AS jobId, j.name AS jobName, j.version AS jobVersion,
                j.image_sha256 AS imageSha256, i.path AS imagePath, d.result, d.failure_code AS failureCode, d.serial, d.finished_at AS finishedAt
           FROM (SELECT ? AS lot, ? AS reel, ? AS seq) k
           JOIN lots l ON l.id = k.lot
           JOIN jobs j ON j.id = l.job_id
           LEFT JOIN images i ON i.sha256 = j.image_sha256
           LEFT JOIN reels r ON r.lot_id = k.lot AND r.reel_id = k.reel
           LEFT JOIN devices d ON d.lot_id = k.lot AND d.reel_id = k.reel AND d.seq = k.seq`,
      ),
      attempts: p(
        `SELECT a.id, a.attempt, p.name AS programmer, p.serial AS programmerSerial, p.driver, a.site, ad.serial AS adapter, ad.adapter_type AS adapterType,
                CASE WHEN a.adapter_id IS NULL THEN NULL ELSE (SELECT count(*) FROM attempts x WHERE x.adapter_id = a.adapter_id AND x.id <= a.id) END AS adapterInsertions,
                a.started_at AS startedAt, a.ended_at AS endedAt, a.result, a.stage, a.failure_code AS failureCode, a.bad_blocks AS badBlocks, a.serial,
                r.operator, r.engineering, r.gangflash_version AS gangflashVersion
           FROM attempts a JOIN programmers p ON p.id = a.programmer_id LEFT JOIN adapters ad ON ad.id = a.adapter_id LEFT JOIN runs r ON r.id = a.run_id
          WHERE a.lot_id = ? AND a.reel_id = ? AND a.seq = ? ORDER BY a.attempt`,
      ),
      ledgerOfDevice: p(`${LEDGER} WHERE l.lot_id = ? AND l.reel_id = ? AND l.seq = ? ORDER BY l.k`),
      ledgerOfValue: p(`${LEDGER} WHERE l.value = ? ORDER BY r.name`),
      devicesOfSerial: p(`SELECT DISTINCT lot_id AS lot, reel_id AS reel, seq FROM attempts WHERE serial = ? UNION SELECT lot_id, reel_id, seq FROM devices WHERE serial = ?`),
      reelExists: p(`SELECT 1 FROM reels WHERE lot_id = ? AND reel_id = ? AND ? BETWEEN 1 AND quantity`),
    };
  }

  /** The device's lot, reel, chip, job, image and final result (undefined when the lot does not exist). */
  device(lot: string, reel: string, seq: number): TraceDeviceRow | undefined {
    return this.s.device.get(lot, reel, seq) as TraceDeviceRow | undefined;
  }

  /** Every insertion of the device, in order. */
  attempts(lot: string, reel: string, seq: number): TraceAttemptRow[] {
    return (this.s.attempts.all(lot, reel, seq) as (Omit<TraceAttemptRow, 'engineering'> & { engineering: number | null })[]).map((a) => ({
      ...a,
      engineering: a.engineering === null ? null : a.engineering === 1,
    }));
  }

  /** Ledger rows that name the device. */
  ledgerOfDevice(lot: string, reel: string, seq: number): TraceLedgerRow[] {
    return (this.s.ledgerOfDevice.all(lot, reel, seq) as StoredLedgerRow[]).map(fromStored);
  }

  /** Ledger rows with this value (a returned value keeps no device). */
  ledgerOfValue(value: string): TraceLedgerRow[] {
    return (this.s.ledgerOfValue.all(value) as StoredLedgerRow[]).map(fromStored);
  }

  /** Devices that held this serial in any attempt, or carry it as their final serial. */
  devicesOfSerial(value: string): { lot: string; reel: string; seq: number }[] {
    return this.s.devicesOfSerial.all(value, value) as { lot: string; reel: string; seq: number }[];
  }

  /** True when the lot has that reel and the reel that position. */
  reelHolds(lot: string, reel: string, seq: number): boolean {
    return this.s.reelExists.get(lot, reel, seq) !== undefined;
  }
}

/** The trace statements of this connection, prepared on first use. */
export function traceOf(db: Db): TraceStore {
  return statements(db, TraceStore, (d) => new TraceStore(d));
}
