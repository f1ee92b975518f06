import type { Db } from '../db/open.js';
import type { Issue, SerialLedger, SettleOutcome } from '../serials/ledger.js';
import type { DeviceRef } from './events.js';
import type { MesAttempt, MesWriter } from '../mes/outbox-writer.js';

/** One insertion as the device enters its socket (an 'in-socket' attempts row). */
export interface OpenAttempt extends Pick<AttemptRecord, 'device' | 'attempt' | 'programmerId' | 'site' | 'adapterId' | 'startedAt' | 'serial'> {
  /** Lease epoch of the programmer; the database refuses a stale one. */
  epoch: number;
  /** The `runs` row of the run that inserted the device (operator, engineering, gangflash version). */
  runId: number | null;
}

/** One finished insertion to record: what the MES is told of it, plus its row and its serial value's settlement. */
export interface AttemptRecord extends Omit<MesAttempt, 'fields' | 'device'> {
  /** The attempts row written when the device entered the socket. */
  id: number;
  device: DeviceRef;
  /** The serial value the device held in this attempt and how the attempt ended, settled in the same transaction. */
  serialIssue?: { issue: Issue; outcome: SettleOutcome };
}

/** An alarm or audit event to record (an alarm is also a CFX FaultOccurred when MES is on). */
export interface RecordedEvent {
  lot: string;
  kind: 'alarm' | 'audit';
  code: string;
  message: string;
  programmerId?: number;
  site?: number;
  adapterId?: number | null;
}

/**
 * Closes the attempts left 'in-socket' by a run that ended before their results were known (killed, lost its
 * database or its lease): those of `lot`, and any on `programmerIds` (held now by the caller). They stay insertions
 * (adapter wear) and never count as yield. Returns how many were closed.
 */
export function closeInterrupted(db: Db, lot: string, programmerIds: number[]): number {
  const at = new Date().toISOString();
  const ofLot = db.prepare(`UPDATE attempts SET result = 'interrupted', ended_at = ? WHERE result = 'in-socket' AND lot_id = ?`);
  const onProgrammer = db.prepare(`UPDATE attempts SET result = 'interrupted', ended_at = ? WHERE result = 'in-socket' AND programmer_id = ?`);
  return db.transaction(() => programmerIds.reduce((n, id) => n + onProgrammer.run(at, id).changes, ofLot.run(at, lot).changes))();
}

/** Writes attempts and devices: one transaction per finished attempt (the main thread is the only writer). */
export class Recorder {
  private readonly openAttempt;
  private readonly finishAttempt;
  private readonly insDevice;
  private readonly tx;

  private readonly eventTx;

  /** `mes`: the run's MES outbox writer (null: MES is off); its messages are written in the same transactions. */
  constructor(private readonly db: Db, private readonly serials: SerialLedger | null, private readonly mes: MesWriter | null = null) {
    this.openAttempt = db.prepare(
      `INSERT INTO attempts (lot_id, reel_id, seq, attempt, programmer_id, site, adapter_id, started_at, ended_at, result, serial, lease_epoch, run_id)
       VALUES (@lot, @reel, @seq, @attempt, @programmerId, @site, @adapterId, @startedAt, NULL, 'in-socket', @serial, @epoch, @runId)`,
    );
    this.finishAttempt = db.prepare(
      `UPDATE attempts SET started_at = @startedAt, ended_at = @endedAt, result = @result, failure_code = @failureCode, stage = @stage,
         bad_blocks = @badBlocks, serial = @serial WHERE id = @id`,
    );
    this.insDevice = db.prepare(
      `INSERT INTO devices (lot_id, reel_id, seq, result, failure_code, serial, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.tx = db.transaction((r: AttemptRecord) => {
      const result = r.failureCode === null ? 'pass' : 'fail';
      if (this.finishAttempt.run({ ...r, result }).changes !== 1) throw new Error(`attempt row ${r.id} is missing`);
      if (r.serialIssue && this.serials) this.serials.settle(r.serialIssue.issue, r.serialIssue.outcome, r.endedAt);
      if (this.mes) this.mes.attempt({ ...r, fields: r.serialIssue?.issue.fields.map((f) => ({ name: f.name, text: f.text })) });
      if (!r.final) return;
      const passed = result === 'pass';
      this.insDevice.run(r.device.lot, r.device.reel, r.device.seq, result, r.failureCode, passed ? r.serial : null, r.endedAt);
    });
    const insEvent = db.prepare('INSERT INTO events (lot_id, kind, code, programmer_id, site, adapter_id, message) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.eventTx = db.transaction((e: RecordedEvent) => {
      insEvent.run(e.lot, e.kind, e.code, e.programmerId ?? null, e.site ?? null, e.adapterId ?? null, e.message);
      if (e.kind === 'alarm') this.mes?.alarm(new Date().toISOString(), e.code, e.message, e);
    });
  }

  /** Writes the 'in-socket' rows of devices entering their sockets (call inside the cycle's transaction); returns their ids. */
  open(list: OpenAttempt[]): number[] {
    return list.map((a) => Number(this.openAttempt.run({ ...a.device, ...a }).lastInsertRowid));
  }

  /** Closes this run's own open attempts as 'interrupted' (a wave given up before any result was known). */
  interrupt(ids: number[]): void {
    const at = new Date().toISOString();
    const close = this.db.prepare(`UPDATE attempts SET result = 'interrupted', ended_at = ? WHERE id = ? AND result = 'in-socket'`);
    this.db.transaction(() => ids.forEach((id) => close.run(at, id)))();
  }

  /** Commits one finished attempt (and the device, when final). */
  record(r: AttemptRecord): void {
    this.tx(r);
  }

  /** Records an alarm or audit event. */
  event(e: RecordedEvent): void {
    this.eventTx(e);
  }
}
