import crypto from 'node:crypto';
import type { Hub } from '../hub/connection.js';
import { uploadBatch, type UploadBatch, type UploadResult } from '../hub/store/uploads.js';
import type { HubJournalStore } from '../store/hub-journal.js';

/**
 * The id the hub knows an attempt by: derived from this journal's id and the attempt's row id, so every retry of an
 * upload (after a lost answer, a crash, a restart) names the attempt the same and the hub records it once.
 */
export function hubAttemptId(journalId: string, attemptId: number): string {
  return crypto.createHash('sha256').update(`${journalId}/${attemptId}`).digest('hex').slice(0, 32);
}

/** Uploads the journal's waiting records to the hub, one batch at a time, and removes them once acknowledged. */
export class Uploader {
  constructor(
    private readonly hub: Hub,
    private readonly journal: HubJournalStore,
    private readonly station: string,
    private readonly journalId: string,
    /** Records of each kind per batch. */
    private readonly batchSize: number,
  ) {}

  /** The batch last sent, named by its first record of each kind ('' before the first). */
  lastBatch = '';

  /** Sends the oldest waiting batch; null when nothing waits. Throws what the hub threw (the batch stays waiting). */
  async pump(): Promise<UploadResult | null> {
    const next = this.journal.nextBatch(this.batchSize);
    if (next.attempts.length + next.devices.length + next.values.length === 0) return null;
    const batch: UploadBatch = {
      station: this.station,
      attempts: next.attempts.map((a) => ({
        id: hubAttemptId(this.journalId, a.id), lot: a.lot, reel: a.reel, seq: a.seq, attempt: a.attempt, programmer: a.programmer, site: a.site,
        adapter: a.adapter, startedAt: a.startedAt, endedAt: a.endedAt, result: a.result, failureCode: a.failureCode, stage: a.stage,
        badBlocks: a.badBlocks, serial: a.serial, epoch: a.epoch,
        operator: a.operator, engineering: a.engineering === null ? null : a.engineering === 1, gangflashVersion: a.gangflashVersion,
      })),
      devices: next.devices.map((d) => ({ lot: d.lot, reel: d.reel, seq: d.seq, result: d.result, failureCode: d.failureCode, serial: d.serial, finishedAt: d.finishedAt, epoch: d.epoch })),
      ledger: next.values.map((v) => ({ rule: v.rule, k: v.k, value: v.value, state: v.state, lot: v.lot, reel: v.reel, seq: v.seq, attempt: v.attempt, reason: v.reason, fields: v.data })),
    };
    this.lastBatch = [next.attempts[0]?.outboxId, next.devices[0]?.outboxId, next.values[0]?.outboxId].join('/');
    const result = await uploadBatch(this.hub, batch);
    this.journal.sent([...next.attempts, ...next.devices, ...next.values].map((r) => r.outboxId));
    return result;
  }
}
