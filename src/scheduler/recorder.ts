import type { Db } from '../db/open.js';
import type { Issue, SerialLedger, SettleOutcome } from '../serials/ledger.js';
import type { DeviceRef } from './events.js';
import type { MesAttempt, MesWriter } from '../mes/outbox-writer.js';
import { atomically } from '../store/atomic.js';
import { finishAttempt, insertDevice, interruptAttempts, interruptOpenAttempts, openAttempts } from '../store/attempts.js';
import { insertEvent } from '../store/event-log.js';

/** One insertion as the device enters its socket (an 'in-socket' attempts row). */
export interface OpenAttempt extends Pick<AttemptRecord, 'device' | 'attempt' | 'programmerId' | 'site' | 'adapterId' | 'startedAt' | 'serial'> {
  /** Lease epoch of the programmer; the database refuses a stale one. */
  epoch: number;
  /** The `runs` row of the run that inserted the device (operator, engineering, gangflash version). */
  runId: number | null;
}

/** One finished insertion to record: what the MES is told of it, plus its row and its serial value's settlement. */
export interface AttemptRecord extends Omit<MesAttempt, 'device'> {
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
  return interruptOpenAttempts(db, lot, programmerIds, new Date().toISOString());
}

/** Writes attempts and devices: one transaction per finished attempt (the main thread is the only writer). */
export class Recorder {
  /** `mes`: the run's MES outbox writer (null: MES is off); its messages are written in the same transactions. */
  constructor(private readonly db: Db, private readonly serials: SerialLedger | null, private readonly mes: MesWriter | null = null) {}

  /** Writes the 'in-socket' rows of devices entering their sockets (call inside the cycle's transaction); returns their ids. */
  open(list: OpenAttempt[]): number[] {
    return openAttempts(this.db, list.map((a) => ({ ...a.device, ...a })));
  }

  /** Closes this run's own open attempts as 'interrupted' (a wave given up before any result was known). */
  interrupt(ids: number[]): void {
    interruptAttempts(this.db, ids, new Date().toISOString());
  }

  /**
   * Commits one finished attempt (and the device, when final) in a transaction of its own: a crash loses at most the
   * devices still in their sockets, a refused write only this device. Its MES unit messages are built from the rows
   * it writes (src/mes/unit-messages.ts); the MES writer only counts the reel down.
   */
  record(r: AttemptRecord): void {
    atomically(this.db, () => {
      this.write(r);
      this.mes?.attempt(r);
    });
  }

  private write(r: AttemptRecord): void {
    const result = r.failureCode === null ? 'pass' : 'fail';
    if (!finishAttempt(this.db, { id: r.id, startedAt: r.startedAt, endedAt: r.endedAt, result, failureCode: r.failureCode, stage: r.stage, badBlocks: r.badBlocks, serial: r.serial }))
      throw new Error(`attempt row ${r.id} is missing`);
    if (r.serialIssue && this.serials) this.serials.settle(r.serialIssue.issue, r.serialIssue.outcome, r.endedAt);
    if (!r.final) return;
    const passed = result === 'pass';
    insertDevice(this.db, { ...r.device, result, failureCode: r.failureCode, serial: passed ? r.serial : null, finishedAt: r.endedAt });
  }

  /** Records an alarm or audit event. */
  event(e: RecordedEvent): void {
    atomically(this.db, () => {
      const id = insertEvent(this.db, { ...e, actor: null });
      if (e.kind === 'alarm') this.mes?.alarm(new Date().toISOString(), e.code, e.message, e, id);
    });
  }
}
