import crypto from 'node:crypto';
import type { Db } from '../db/open.js';
import { statements } from './statements.js';
import type { UploadedAttempt, UploadedDevice, UploadedValue } from '../records/station-wire.js';

/** A reel the hub leased to this station, as the journal keeps it. */
export interface JournalReel {
  lot: string;
  reel: string;
  epoch: number;
  startSeq: number;
  state: 'held' | 'done' | 'lost';
  reported: number;
}

/** An attempt waiting for upload: the record the hub takes, but named by this journal's row id (the uploader derives the hub's id from it). */
export interface OutboxAttempt extends Omit<UploadedAttempt, 'id' | 'operator' | 'engineering' | 'gangflashVersion'> {
  outboxId: number;
  id: number;
  operator: string | null;
  engineering: boolean | null;
  gangflashVersion: string | null;
}

/** A device waiting for upload. */
export interface OutboxDevice extends UploadedDevice {
  outboxId: number;
}

/** A serial value at its end waiting for upload (its fields' bytes always kept). */
export interface OutboxValue extends UploadedValue {
  outboxId: number;
  fields: string;
}

const family = {};

function prepare(db: Db) {
  const p = (sql: string) => db.prepare(sql);
  return {
    link: p(`SELECT journal_id AS journalId, station, hub FROM hub_link WHERE id = 1`),
    makeLink: p(`INSERT INTO hub_link (id, journal_id) VALUES (1, ?) ON CONFLICT (id) DO NOTHING`),
    setLink: p(`UPDATE hub_link SET station = ?, hub = ? WHERE id = 1`),
    hubLot: p(`INSERT INTO hub_lots (lot_id) VALUES (?) ON CONFLICT DO NOTHING`),
    isHubLot: p(`SELECT 1 FROM hub_lots WHERE lot_id = ?`),
    reelsLeft: p(`SELECT coalesce(sum(r.quantity - h.start_seq + 1 - (SELECT count(*) FROM devices d WHERE d.lot_id = h.lot_id AND d.reel_id = h.reel_id AND d.seq >= h.start_seq)), 0) AS left
                  FROM hub_reels h JOIN reels r ON r.lot_id = h.lot_id AND r.reel_id = h.reel_id WHERE h.lot_id = ? AND h.state = 'held'`),
    reels: p(`SELECT lot_id AS lot, reel_id AS reel, epoch, start_seq AS startSeq, state, reported FROM hub_reels WHERE lot_id = ? ORDER BY reel_id`),
    putReel: p(`INSERT INTO hub_reels (lot_id, reel_id, epoch, start_seq, state) VALUES (?, ?, ?, ?, 'held')
                ON CONFLICT (lot_id, reel_id) DO UPDATE SET epoch = excluded.epoch, start_seq = excluded.start_seq, state = 'held', reported = 0`),
    setReel: p(`UPDATE hub_reels SET state = ? WHERE lot_id = ? AND reel_id = ?`),
    reported: p(`UPDATE hub_reels SET reported = 1 WHERE lot_id = ? AND reel_id = ?`),
    localReel: p(`SELECT quantity FROM reels WHERE lot_id = ? AND reel_id = ?`),
    addLocalReel: p(`INSERT INTO reels (lot_id, reel_id, part, quantity, date_code) VALUES (?, ?, ?, ?, ?)`),
    reelLeft: p(`SELECT r.quantity - h.start_seq + 1 - (SELECT count(*) FROM devices d WHERE d.lot_id = h.lot_id AND d.reel_id = h.reel_id AND d.seq >= h.start_seq) AS left
                 FROM hub_reels h JOIN reels r ON r.lot_id = h.lot_id AND r.reel_id = h.reel_id WHERE h.lot_id = ? AND h.reel_id = ?`),
    blocks: p(`SELECT first_k AS firstK, end_k AS endK FROM hub_serial_blocks WHERE rule_id = ? ORDER BY first_k`),
    addBlock: p(`INSERT INTO hub_serial_blocks (rule_id, first_k, end_k) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`),
    waiting: p(`SELECT count(*) AS n FROM hub_outbox WHERE kind = 'attempt'`),
    waitingAll: p(`SELECT count(*) AS n FROM hub_outbox`),
    attempts: p(`SELECT o.id AS outboxId, o.epoch, a.id, a.lot_id AS lot, a.reel_id AS reel, a.seq, a.attempt, pr.serial AS programmer, a.site,
                   ad.serial AS adapter, a.started_at AS startedAt, a.ended_at AS endedAt, a.result, a.failure_code AS failureCode, a.stage,
                   a.bad_blocks AS badBlocks, a.serial, ru.operator, ru.engineering, ru.gangflash_version AS gangflashVersion
                 FROM hub_outbox o JOIN attempts a ON a.id = o.ref JOIN programmers pr ON pr.id = a.programmer_id
                 LEFT JOIN adapters ad ON ad.id = a.adapter_id LEFT JOIN runs ru ON ru.id = a.run_id WHERE o.kind = 'attempt' ORDER BY o.id LIMIT ?`),
    devices: p(`SELECT o.id AS outboxId, o.epoch, d.lot_id AS lot, d.reel_id AS reel, d.seq, d.result, d.failure_code AS failureCode, d.serial,
                  d.finished_at AS finishedAt
                FROM hub_outbox o JOIN devices d ON d.id = o.ref WHERE o.kind = 'device' ORDER BY o.id LIMIT ?`),
    values: p(`SELECT o.id AS outboxId, r.name AS rule, l.k, l.value, l.state, l.lot_id AS lot, l.reel_id AS reel, l.seq, l.attempt, l.reason, l.data AS fields
               FROM hub_outbox o JOIN serial_ledger l ON l.rule_id = o.rule_id AND l.k = o.ref JOIN serial_rules r ON r.id = l.rule_id
               WHERE o.kind = 'serial' ORDER BY o.id LIMIT ?`),
    sent: p(`DELETE FROM hub_outbox WHERE id = ?`),
    reelWaiting: p(`SELECT count(*) AS n FROM hub_outbox o JOIN devices d ON d.id = o.ref WHERE o.kind = 'device' AND d.lot_id = ? AND d.reel_id = ?`),
    reelSeqs: p(`SELECT seq FROM devices WHERE lot_id = ? AND reel_id = ?`).pluck(),
    resendDevices: p(`INSERT INTO hub_outbox (kind, ref, epoch) SELECT 'device', d.id, ? FROM devices d
                      WHERE d.lot_id = ? AND d.reel_id = ? AND d.seq IN (SELECT value FROM json_each(?))
                        AND NOT EXISTS (SELECT 1 FROM hub_outbox o WHERE o.kind = 'device' AND o.ref = d.id)`),
    resendAttempts: p(`INSERT INTO hub_outbox (kind, ref, epoch) SELECT 'attempt', a.id, ? FROM attempts a
                       WHERE a.lot_id = ? AND a.reel_id = ? AND a.seq IN (SELECT value FROM json_each(?)) AND a.result <> 'in-socket'
                         AND NOT EXISTS (SELECT 1 FROM hub_outbox o WHERE o.kind = 'attempt' AND o.ref = a.id)`),
  };
}

/** Every SQL statement of a station's hub link (migration 009), prepared once per connection. */
export class HubJournalStore {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = statements(db, family, prepare);
  }

  /** This journal's id and its station name on the hub (the id is made on first use). */
  link(): { journalId: string; station: string | null; hub: string | null } {
    this.s.makeLink.run(crypto.randomUUID());
    return this.s.link.get() as { journalId: string; station: string | null; hub: string | null };
  }

  /** Records the station name and hub this journal works for. */
  setLink(station: string, hub: string): void {
    this.s.setLink.run(station, hub);
  }

  /** Marks a lot as run through a hub: from now on only the reels the hub leased here are programmed. */
  markHubLot(lot: string): void {
    this.s.hubLot.run(lot);
  }

  /** True when this station runs the lot through a hub. */
  isHubLot(lot: string): boolean {
    return this.s.isHubLot.get(lot) !== undefined;
  }

  /** Devices still to record on every reel this station holds of a lot. */
  heldLeft(lot: string): number {
    return (this.s.reelsLeft.get(lot) as { left: number }).left;
  }

  /** The reels of a lot the hub leased to this station, in any state. */
  reels(lot: string): JournalReel[] {
    return this.s.reels.all(lot) as JournalReel[];
  }

  /**
   * Records a reel lease (a new one, a resumed one, or one moved here) in one transaction; adds the reel to the
   * journal's lot when the journal does not have it yet.
   */
  putReel(r: { lot: string; reel: string; epoch: number; startSeq: number; part: string; quantity: number; dateCode: string }): void {
    this.db.transaction(() => {
      if (!this.s.localReel.get(r.lot, r.reel)) this.s.addLocalReel.run(r.lot, r.reel, r.part, r.quantity, r.dateCode);
      this.s.putReel.run(r.lot, r.reel, r.epoch, r.startSeq);
    }).immediate();
  }

  /** Marks a reel done (every device of it recorded here), lost (moved to another station), or held again. */
  setReel(lot: string, reel: string, state: 'held' | 'done' | 'lost'): void {
    this.s.setReel.run(state, lot, reel);
  }

  /** Notes that the hub knows the reel is done. */
  reported(lot: string, reel: string): void {
    this.s.reported.run(lot, reel);
  }

  /** Devices of a held reel this station has still to record (from its start seq to the reel's end). */
  reelLeft(lot: string, reel: string): number {
    return (this.s.reelLeft.get(lot, reel) as { left: number } | undefined)?.left ?? 0;
  }

  /** The serial blocks held for a rule, in index order. */
  blocks(ruleId: number): { firstK: number; endK: number }[] {
    return this.s.blocks.all(ruleId) as { firstK: number; endK: number }[];
  }

  /** Records a serial block the hub leased to this station. */
  addBlock(ruleId: number, firstK: number, endK: number): void {
    this.s.addBlock.run(ruleId, firstK, endK);
  }

  /** Attempts waiting for upload (the live view's "N attempts waiting"). */
  waitingAttempts(): number {
    return (this.s.waiting.get() as { n: number }).n;
  }

  /** Records of every kind waiting for upload. */
  waiting(): number {
    return (this.s.waitingAll.get() as { n: number }).n;
  }

  /** The oldest `limit` records of each kind waiting for upload. */
  nextBatch(limit: number): { attempts: OutboxAttempt[]; devices: OutboxDevice[]; values: OutboxValue[] } {
    return {
      attempts: (this.s.attempts.all(limit) as (Omit<OutboxAttempt, 'engineering'> & { engineering: number | null })[]).map((a) => ({
        ...a,
        engineering: a.engineering === null ? null : a.engineering === 1,
      })),
      devices: this.s.devices.all(limit) as OutboxDevice[],
      values: this.s.values.all(limit) as OutboxValue[],
    };
  }

  /** Devices of a reel recorded here that wait for upload. */
  reelWaiting(lot: string, reel: string): number {
    return (this.s.reelWaiting.get(lot, reel) as { n: number }).n;
  }

  /** The seqs of a reel recorded here (a device row each). */
  reelSeqs(lot: string, reel: string): Set<number> {
    return new Set(this.s.reelSeqs.all(lot, reel) as number[]);
  }

  /**
   * Queues again, under `epoch`, the devices of a reel recorded here at `seqs` and their finished attempts (the hub
   * said it has no device there although this journal uploaded one); returns the devices queued.
   */
  resend(lot: string, reel: string, seqs: number[], epoch: number): number {
    return this.db.transaction(() => {
      this.s.resendAttempts.run(epoch, lot, reel, JSON.stringify(seqs));
      return this.s.resendDevices.run(epoch, lot, reel, JSON.stringify(seqs)).changes;
    }).immediate();
  }

  /** Removes records the hub acknowledged, in one transaction. */
  sent(outboxIds: number[]): void {
    this.db.transaction(() => {
      for (const id of outboxIds) this.s.sent.run(id);
    }).immediate();
  }
}
