import type { Db } from '../db/open.js';
import type { Issue, SerialLedger, SettleOutcome } from '../serials/ledger.js';
import type { DeviceRef } from './events.js';

/** One finished insertion to record. */
export interface AttemptRecord {
  device: DeviceRef;
  attempt: number;
  programmerId: number;
  site: number;
  adapterId: number | null;
  startedAt: string;
  endedAt: string;
  failureCode: string | null;
  stage: string | null;
  badBlocks: number;
  serial: string | null;
  /** True when no retry follows: the device row is written in the same transaction. */
  final: boolean;
  /** The serial value the device held in this attempt and how the attempt ended, settled in the same transaction. */
  serialIssue?: { issue: Issue; outcome: SettleOutcome };
}

/** Writes attempts and devices: one transaction per finished attempt (the main thread is the only writer). */
export class Recorder {
  private readonly insAttempt;
  private readonly insDevice;
  private readonly tx;

  constructor(private readonly db: Db, private readonly serials: SerialLedger | null) {
    this.insAttempt = db.prepare(
      `INSERT INTO attempts (lot_id, reel_id, seq, attempt, programmer_id, site, adapter_id, started_at, ended_at, result, failure_code, stage, bad_blocks, serial)
       VALUES (@lot, @reel, @seq, @attempt, @programmerId, @site, @adapterId, @startedAt, @endedAt, @result, @failureCode, @stage, @badBlocks, @serial)`,
    );
    this.insDevice = db.prepare(
      `INSERT INTO devices (lot_id, reel_id, seq, result, failure_code, serial, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.tx = db.transaction((r: AttemptRecord) => {
      const result = r.failureCode === null ? 'pass' : 'fail';
      this.insAttempt.run({ ...r.device, ...r, result });
      if (r.serialIssue && this.serials) this.serials.settle(r.serialIssue.issue, r.serialIssue.outcome, r.endedAt);
      if (!r.final) return;
      const passed = result === 'pass';
      this.insDevice.run(r.device.lot, r.device.reel, r.device.seq, result, r.failureCode, passed ? r.serial : null, r.endedAt);
    });
  }

  /** Commits one finished attempt (and the device, when final). */
  record(r: AttemptRecord): void {
    this.tx(r);
  }

  /** Records an alarm or audit event. */
  event(e: { lot: string; kind: 'alarm' | 'audit'; code: string; message: string; programmerId?: number; site?: number; adapterId?: number | null }): void {
    this.db
      .prepare('INSERT INTO events (lot_id, kind, code, programmer_id, site, adapter_id, message) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(e.lot, e.kind, e.code, e.programmerId ?? null, e.site ?? null, e.adapterId ?? null, e.message);
  }
}
