import crypto from 'node:crypto';
import type { Hub } from '../hub/connection.js';
import { uploadBatch } from '../hub/store/uploads.js';
import type { UploadBatch, UploadResult } from '../records/station-wire.js';
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
      attempts: next.attempts.map(({ outboxId: _o, id, ...a }) => ({ ...a, id: hubAttemptId(this.journalId, id) })),
      devices: next.devices.map(({ outboxId: _o, ...d }) => d),
      ledger: next.values.map(({ outboxId: _o, ...v }) => v),
    };
    this.lastBatch = [next.attempts[0]?.outboxId, next.devices[0]?.outboxId, next.values[0]?.outboxId].join('/');
    const result = await uploadBatch(this.hub, batch);
    this.journal.sent([...next.attempts, ...next.devices, ...next.values].map((r) => r.outboxId));
    return result;
  }
}
