import type { Db } from '../db/open.js';
import { statements } from './statements.js';

/** Devices finished, passed and passed at their first finished attempt, under some key. */
export interface DeviceTotalRow {
  key: string;
  n: number;
  passed: number;
  firstPassed: number;
}

/** Finished attempts and passes under some key, with the programmer they ran on. */
export interface AttemptTotalRow {
  key: string;
  programmer: string;
  n: number;
  passed: number;
}

/** Failed attempts and failed devices per failure code and stage. */
export interface FailureTotalRow {
  code: string;
  stage: string;
  attempts: number;
  devices: number;
}

const DEVICE_KEYS = { lot: 't.lot_id', chip: 'l.chip', all: "'all'" } as const;
const ATTEMPT_KEYS = { programmer: 'p.name', site: "p.name || ':' || t.site", adapter: "coalesce(ad.serial, '(none)')" } as const;

/**
 * Reads of the totals the database keeps in the same transaction as the rows they count (migration 006 triggers):
 * each read is proportional to the lots, sites and adapters it returns, never to the devices and attempts behind them.
 */
export class TotalsStore {
  private readonly s;

  constructor(private readonly db: Db) {
    const devices = (key: string, where: string) =>
      db.prepare(
        `SELECT ${key} AS key, coalesce(sum(t.passed + t.failed), 0) AS n, coalesce(sum(t.passed), 0) AS passed, coalesce(sum(t.first_passed), 0) AS firstPassed
           FROM device_totals t JOIN lots l ON l.id = t.lot_id ${where} GROUP BY key ORDER BY key`,
      );
    const attempts = (key: string, where: string) =>
      db.prepare(
        `SELECT ${key} AS key, p.name AS programmer, sum(t.finished) AS n, sum(t.passed) AS passed
           FROM attempt_totals t JOIN programmers p ON p.id = t.programmer_id LEFT JOIN adapters ad ON ad.id = t.adapter_key
           ${where} GROUP BY key ORDER BY p.id, min(t.site), key`,
      );
    const attemptsAll = (key: string) =>
      db.prepare(
        `SELECT ${key} AS key, p.name AS programmer, sum(t.finished) AS n, sum(t.passed) AS passed
           FROM site_totals t JOIN programmers p ON p.id = t.programmer_id LEFT JOIN adapters ad ON ad.id = t.adapter_key
           GROUP BY key ORDER BY p.id, min(t.site), key`,
      );
    this.s = {
      devices: Object.fromEntries(Object.entries(DEVICE_KEYS).flatMap(([k, v]) => [[k, devices(v, '')], [`${k}@lot`, devices(v, 'WHERE t.lot_id = @lot')]])),
      // Over all lots from site_totals (a row per site and adapter), for one lot from attempt_totals.
      attempts: Object.fromEntries(
        Object.entries(ATTEMPT_KEYS).flatMap(([k, v]) => [[k, attemptsAll(v)], [`${k}@lot`, attempts(v, 'WHERE t.lot_id = @lot')]]),
      ),
      failures: db.prepare(`SELECT code, stage, sum(attempts) AS attempts, sum(devices) AS devices FROM failure_totals GROUP BY code, stage ORDER BY devices DESC, attempts DESC, code`),
      failuresOfLot: db.prepare(`SELECT code, stage, attempts, devices FROM failure_totals WHERE lot_id = @lot ORDER BY devices DESC, attempts DESC, code`),
      lot: db.prepare(`SELECT coalesce(sum(passed), 0) AS passed, coalesce(sum(failed), 0) AS failed FROM device_totals WHERE lot_id = ?`),
      reels: db.prepare(`SELECT reel_id AS reel, passed, failed FROM device_totals WHERE lot_id = ?`),
      chip: db.prepare(`SELECT coalesce(sum(t.passed + t.failed), 0) AS devices, coalesce(sum(t.passed), 0) AS passed FROM device_totals t JOIN lots l ON l.id = t.lot_id WHERE l.chip = ?`),
      chipAttempts: db.prepare(`SELECT coalesce(sum(t.finished), 0) AS n FROM attempt_totals t JOIN lots l ON l.id = t.lot_id WHERE l.chip = ?`),
      adapter: db.prepare(`SELECT coalesce((SELECT since_socket FROM adapter_totals WHERE adapter_id = ?), 0) AS n`),
    };
  }

  /** Device totals grouped by lot, chip or one row for all, optionally of one lot. */
  devices(by: keyof typeof DEVICE_KEYS, lot?: string): DeviceTotalRow[] {
    return (lot ? this.s.devices[`${by}@lot`].all({ lot }) : this.s.devices[by].all()) as DeviceTotalRow[];
  }

  /** Finished-attempt totals grouped by programmer, site (`programmer:site`) or adapter serial, optionally of one lot. */
  attempts(by: keyof typeof ATTEMPT_KEYS, lot?: string): AttemptTotalRow[] {
    return (lot ? this.s.attempts[`${by}@lot`].all({ lot }) : this.s.attempts[by].all()) as AttemptTotalRow[];
  }

  /** Failure totals by code and stage, most devices first, optionally of one lot. */
  failures(lot?: string): FailureTotalRow[] {
    return (lot ? this.s.failuresOfLot.all({ lot }) : this.s.failures.all()) as FailureTotalRow[];
  }

  /** A lot's finished devices. */
  lot(lot: string): { passed: number; failed: number } {
    return this.s.lot.get(lot) as { passed: number; failed: number };
  }

  /** A lot's finished devices per reel (reels with none finished are absent). */
  reels(lot: string): { reel: string; passed: number; failed: number }[] {
    return this.s.reels.all(lot) as { reel: string; passed: number; failed: number }[];
  }

  /** Devices and passes of every lot of a chip, and their finished attempts. */
  chip(part: string): { devices: number; passed: number; attempts: number } {
    const d = this.s.chip.get(part) as { devices: number; passed: number };
    return { ...d, attempts: (this.s.chipAttempts.get(part) as { n: number }).n };
  }

  /** Insertions on an adapter's current receptacle recorded by gangflash (prior insertions not included). */
  adapterSinceSocket(adapterId: number): number {
    return (this.s.adapter.get(adapterId) as { n: number }).n;
  }
}

/** The totals statements of this connection, prepared on first use. */
export function totalsOf(db: Db): TotalsStore {
  return statements(db, TotalsStore, (d) => new TotalsStore(d));
}
