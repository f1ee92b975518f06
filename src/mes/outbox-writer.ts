import { randomUUID } from 'node:crypto';
import type { Db } from '../db/open.js';
import { OutboxStore, type LotContext } from '../store/outbox.js';
import * as m from './messages.js';
import { faultCleared, faultOccurrenceId, LASTING_FAULTS } from './faults.js';
import { socketCounters } from './maintenance.js';
import { unitsProcessedText, type InsertionFields } from './units-processed-text.js';

/** A site as the messages name it; the run's own object, so its insertion count is read as it grows. */
export interface MesSite {
  programmerId: number;
  programmer: string;
  site: number;
  adapterId: number | null;
  adapter: string | null;
  /** Insertions of the mounted adapter's socket so far (the run counts them up). */
  insertions: number;
  ratedInsertions: number | null;
}

/** One finished insertion as the recorder commits it. */
export interface MesAttempt {
  device: { lot: string; reel: string; seq: number };
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
  /** The serial rule's fields the device was written with (serial, MAC, …). */
  fields?: { name: string; text: string }[];
}

/**
 * Writes a run's CFX messages to the outbox. Every method is called inside the transaction of the record it
 * describes, so a message exists exactly when its record does. One per run: its TransactionID is the run's.
 */
export class MesWriter {
  /** The CFX TransactionID of this run (WorkStarted … WorkCompleted and every unit message between). */
  readonly transactionId = randomUUID();
  private readonly store: OutboxStore;
  private readonly ctx: LotContext;
  private readonly recipe: string;
  private readonly programmers = new Map<number, string>();
  private readonly adapters = new Map<number, string>();
  private readonly reels = new Map<string, LotContext['reels'][number]>();
  private readonly processedText: (u: InsertionFields) => string;
  private stateSince = Date.now();
  private state: m.ResourceState = 'Active_Starved';
  /** Reels loaded at the start and not yet unloaded. */
  private readonly loaded = new Set<string>();
  /** Adapters that took a device in this run. */
  private readonly used = new Set<number>();
  /** FaultOccurrenceIds of this run's passing faults, cleared when it ends. */
  private readonly passing: string[] = [];

  /** A writer for a run of `lot`, or null when MES is not set up (or disabled) on this station: nothing is written. */
  static forLot(db: Db, lot: string, sites: MesSite[]): MesWriter | null {
    const store = new OutboxStore(db);
    const c = store.config();
    return c && c.enabled ? new MesWriter(store, c.handle, lot, sites) : null;
  }

  private constructor(store: OutboxStore, private readonly handle: string, private readonly lot: string, private readonly sites: MesSite[]) {
    this.store = store;
    this.ctx = store.lotContext(lot);
    this.recipe = `${this.ctx.job} v${this.ctx.version}`;
    for (const s of sites) {
      this.programmers.set(s.programmerId, s.programmer);
      if (s.adapterId !== null && s.adapter) this.adapters.set(s.adapterId, s.adapter);
    }
    for (const r of this.ctx.reels) this.reels.set(r.reel, { ...r });
    this.processedText = unitsProcessedText(this.transactionId, this.recipe, this.ctx.imageSha256);
  }

  private add(name: m.CfxMessageName, at: string, body: unknown): void {
    this.store.add(randomUUID(), name, at, this.lot, typeof body === 'string' ? body : JSON.stringify(body));
  }

  /** The run starts: the station comes online, WorkStarted, it goes productive, and the reels with devices left are loaded. */
  runStarted(at: string, remaining: number): void {
    const last = this.store.newestTimeStamp();
    this.add(m.CFX.stationOnline, at, m.stationOnline(last === null ? 0 : Math.max(0, (Date.parse(at) - Date.parse(last)) / 1000)));
    this.add(m.CFX.workStarted, at, m.workStarted(this.transactionId, this.lot, this.recipe, remaining));
    this.changeState('Active_Working', at);
    const open = this.ctx.reels.filter((r) => r.passed + r.failed < r.quantity);
    for (const r of open) this.loaded.add(r.reel);
    if (open.length > 0) this.add(m.CFX.materialsLoaded, at, m.materialsLoaded(open.map((r) => ({ lot: this.lot, ...r }))));
  }

  /**
   * The run ended: WorkCompleted; the station goes to standby (no product) or down (an unplanned stop); the run's
   * passing faults clear; the reels still loaded are unloaded; the used adapters' insertion counters; the station
   * goes offline.
   */
  runEnded(at: string, end: string, done: boolean, finished: number): void {
    this.add(m.CFX.workCompleted, at, m.workCompleted(this.transactionId, this.lot, this.recipe, done, finished, end));
    this.changeState(done || end === 'interrupted' ? 'Active_Starved' : 'Down_Unplanned', at);
    for (const id of this.passing.splice(0)) this.add(m.CFX.faultCleared, at, faultCleared(id));
    if (this.loaded.size > 0) this.add(m.CFX.materialsUnloaded, at, m.materialsUnloaded([...this.loaded].map((r) => `${this.lot}:${r}`)));
    this.loaded.clear();
    const counters = this.sites
      .filter((s) => s.adapterId !== null && this.used.has(s.adapterId))
      .map((s) => {
        const a = this.store.adapterSocket(s.adapterId as number);
        return { adapter: s.adapter ?? String(s.adapterId), location: `${s.programmer}.${s.site}`, insertions: s.insertions, ratedInsertions: s.ratedInsertions, socketSince: a?.socketSince ?? null };
      });
    if (counters.length > 0) this.add(m.CFX.maintenance, at, socketCounters(this.handle, at, counters));
    this.add(m.CFX.stationOffline, at, m.stationOffline());
  }

  /** A finished insertion: UnitsProcessed; when final, UnitsDisqualified or UnitsPersonalized, and the reel's MaterialsConsumed once it is empty. */
  attempt(a: MesAttempt): void {
    const unit = m.unitIdentifier(a.device, a.serial);
    const programmer = this.programmers.get(a.programmerId) ?? String(a.programmerId);
    const adapter = a.adapterId === null ? null : (this.adapters.get(a.adapterId) ?? String(a.adapterId));
    const seconds = (Date.parse(a.endedAt) - Date.parse(a.startedAt)) / 1000;
    if (a.adapterId !== null) this.used.add(a.adapterId);
    this.add(m.CFX.unitsProcessed, a.endedAt, this.processedText({ unit, programmer, site: a.site, adapter, attempt: a.attempt, durationSeconds: seconds, badBlocks: a.badBlocks, failureCode: a.failureCode, stage: a.stage }));
    if (!a.final) return;
    if (a.failureCode !== null) this.add(m.CFX.unitsDisqualified, a.endedAt, m.unitsDisqualified(this.transactionId, unit, a.site, a.failureCode, a.stage));
    else if (a.serial !== null) this.add(m.CFX.unitsPersonalized, a.endedAt, m.unitsPersonalized(this.transactionId, unit, a.site, a.fields ?? [{ name: 'SerialNumber', text: a.serial }]));
    const r = this.reels.get(a.device.reel);
    if (!r) return;
    if (a.failureCode === null) r.passed++;
    else r.failed++;
    if (r.passed + r.failed !== r.quantity) return;
    // The reel's last device: used up, and off the station.
    this.add(m.CFX.materialsConsumed, a.endedAt, m.materialsConsumed(this.transactionId, { lot: this.lot, ...r }, r.passed, r.failed));
    if (this.loaded.delete(r.reel)) this.add(m.CFX.materialsUnloaded, a.endedAt, m.materialsUnloaded([`${this.lot}:${r.reel}`]));
  }

  /**
   * An alarm (its `events` row is `eventId`): FaultOccurred. A passing fault (a programmer lost, a yield stop…) clears
   * when the run ends; a lasting one (a site disabled, an adapter worn out) when an operator mends it (mes/operator-acts.ts).
   */
  alarm(at: string, code: string, message: string, where: { programmerId?: number; site?: number; adapterId?: number | null }, eventId: number): void {
    const programmer = where.programmerId === undefined ? undefined : this.programmers.get(where.programmerId);
    const adapter = where.adapterId == null ? null : (this.adapters.get(where.adapterId) ?? null);
    const id = faultOccurrenceId(this.handle, eventId);
    this.add(m.CFX.faultOccurred, at, m.faultOccurred(id, code, message, at, { programmer, site: where.site, adapter }));
    if (!LASTING_FAULTS.has(code)) this.passing.push(id);
  }

  private changeState(to: m.ResourceState, at: string): void {
    const t = Date.parse(at);
    this.add(m.CFX.stationStateChanged, at, m.stationStateChanged(this.state, to, (t - this.stateSince) / 1000));
    this.state = to;
    this.stateSince = t;
  }
}
