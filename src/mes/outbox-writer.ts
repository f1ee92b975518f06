import { randomUUID } from 'node:crypto';
import type { Db } from '../db/open.js';
import { OutboxStore, type LotContext } from '../store/outbox.js';
import * as m from './messages.js';
import { faultCleared, faultOccurrenceId, LASTING_FAULTS } from './faults.js';
import { socketCounters } from './maintenance.js';
import { PackedRow } from './packed-row.js';

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
  /** The mes_runs row of this run's constant message parts (0 until the run starts). */
  private runRef = 0;
  private stateSince = Date.now();
  private state: m.ResourceState = 'Active_Starved';
  /** Reels loaded at the start and not yet unloaded. */
  private readonly loaded = new Set<string>();
  /** Adapters that took a device in this run. */
  private readonly used = new Set<number>();
  /** FaultOccurrenceIds of this run's passing faults, cleared when it ends. */
  private readonly passing: string[] = [];

  /** A writer for a run of `lot`, or null when MES is not set up (or disabled) on this station: nothing is written. */
  static forLot(db: Db, lot: string, sites: MesSite[], runId: number | null = null): MesWriter | null {
    const store = new OutboxStore(db);
    const c = store.config();
    return c && c.enabled ? new MesWriter(store, c.handle, lot, sites, runId) : null;
  }

  private constructor(store: OutboxStore, private readonly handle: string, private readonly lot: string, private readonly sites: MesSite[], private readonly runId: number | null) {
    this.store = store;
    this.ctx = store.lotContext(lot);
    this.recipe = `${this.ctx.job} v${this.ctx.version}`;
    for (const s of sites) {
      this.programmers.set(s.programmerId, s.programmer);
      if (s.adapterId !== null && s.adapter) this.adapters.set(s.adapterId, s.adapter);
    }
    for (const r of this.ctx.reels) this.reels.set(r.reel, { ...r });
  }

  /** The run's constant message parts, written once (in the run's first MES transaction). */
  private ref(): number {
    if (this.runRef === 0) this.runRef = this.store.addRun(this.runId, { transactionId: this.transactionId, recipe: this.recipe, imageSha256: this.ctx.imageSha256 });
    return this.runRef;
  }

  /** A row for the messages of one transaction. */
  private row(): PackedRow {
    return new PackedRow(this.ref());
  }

  private full(row: PackedRow, name: m.CfxMessageName, at: string, ms: number, body: unknown): void {
    row.full(name, randomUUID(), at, ms, JSON.stringify(body));
  }

  /** Writes the transaction's messages as one outbox row (none when it has none). */
  private write(row: PackedRow): void {
    if (row.size > 0) this.store.addPacked(row.size, row.first, row.timeStamp, this.lot, row.text());
  }

  /** The run starts: the station comes online, WorkStarted, it goes productive, and the reels with devices left are loaded. */
  runStarted(at: string, remaining: number): void {
    const last = this.store.newestTimeStamp();
    const row = this.row();
    const ms = Date.parse(at);
    this.full(row, m.CFX.stationOnline, at, ms, m.stationOnline(last === null ? 0 : Math.max(0, (ms - Date.parse(last)) / 1000)));
    this.full(row, m.CFX.workStarted, at, ms, m.workStarted(this.transactionId, this.lot, this.recipe, remaining));
    this.changeState(row, 'Active_Working', at);
    const open = this.ctx.reels.filter((r) => r.passed + r.failed < r.quantity);
    for (const r of open) this.loaded.add(r.reel);
    if (open.length > 0) this.full(row, m.CFX.materialsLoaded, at, ms, m.materialsLoaded(open.map((r) => ({ lot: this.lot, ...r }))));
    this.write(row);
  }

  /**
   * The run ended: WorkCompleted; the station goes to standby (no product) or down (an unplanned stop); the run's
   * passing faults clear; the reels still loaded are unloaded; the used adapters' insertion counters; the station
   * goes offline.
   */
  runEnded(at: string, end: string, done: boolean, finished: number): void {
    const row = this.row();
    const ms = Date.parse(at);
    this.full(row, m.CFX.workCompleted, at, ms, m.workCompleted(this.transactionId, this.lot, this.recipe, done, finished, end));
    this.changeState(row, done || end === 'interrupted' ? 'Active_Starved' : 'Down_Unplanned', at);
    for (const id of this.passing.splice(0)) this.full(row, m.CFX.faultCleared, at, ms, faultCleared(id));
    if (this.loaded.size > 0) this.full(row, m.CFX.materialsUnloaded, at, ms, m.materialsUnloaded([...this.loaded].map((r) => `${this.lot}:${r}`)));
    this.loaded.clear();
    const counters = this.sites
      .filter((s) => s.adapterId !== null && this.used.has(s.adapterId))
      .map((s) => {
        const a = this.store.adapterSocket(s.adapterId as number);
        return { adapter: s.adapter ?? String(s.adapterId), location: `${s.programmer}.${s.site}`, insertions: s.insertions, ratedInsertions: s.ratedInsertions, socketSince: a?.socketSince ?? null };
      });
    if (counters.length > 0) this.full(row, m.CFX.maintenance, at, ms, socketCounters(this.handle, at, counters));
    this.full(row, m.CFX.stationOffline, at, ms, m.stationOffline());
    this.write(row);
  }

  /**
   * A finished insertion, in the transaction that records it. Its unit messages (UnitsProcessed; for the device's
   * last insertion UnitsDisqualified or UnitsPersonalized) are not written here: the publisher builds them from the
   * attempts row (src/mes/unit-messages.ts). Written here, rarely: the reel's MaterialsConsumed and MaterialsUnloaded
   * once its last device is done.
   */
  attempt(a: MesAttempt): void {
    if (a.adapterId !== null) this.used.add(a.adapterId);
    if (!a.final) return;
    const r = this.reels.get(a.device.reel);
    if (!r) return;
    if (a.failureCode === null) r.passed++;
    else r.failed++;
    if (r.passed + r.failed !== r.quantity) return;
    // The reel's last device: used up, and off the station (at the device's TimeStamp, after its unit messages).
    const row = this.row();
    const ms = Date.parse(a.endedAt);
    this.full(row, m.CFX.materialsConsumed, a.endedAt, ms, m.materialsConsumed(this.transactionId, { lot: this.lot, ...r }, r.passed, r.failed));
    if (this.loaded.delete(r.reel)) this.full(row, m.CFX.materialsUnloaded, a.endedAt, ms, m.materialsUnloaded([`${this.lot}:${r.reel}`]));
    this.write(row);
  }

  /**
   * An alarm (its `events` row is `eventId`): FaultOccurred. A passing fault (a programmer lost, a yield stop…) clears
   * when the run ends; a lasting one (a site disabled, an adapter worn out) when an operator mends it (mes/operator-acts.ts).
   */
  alarm(at: string, code: string, message: string, where: { programmerId?: number; site?: number; adapterId?: number | null }, eventId: number): void {
    const programmer = where.programmerId === undefined ? undefined : this.programmers.get(where.programmerId);
    const adapter = where.adapterId == null ? null : (this.adapters.get(where.adapterId) ?? null);
    const id = faultOccurrenceId(this.handle, eventId);
    this.store.add(randomUUID(), m.CFX.faultOccurred, at, this.lot, JSON.stringify(m.faultOccurred(id, code, message, at, { programmer, site: where.site, adapter })));
    if (!LASTING_FAULTS.has(code)) this.passing.push(id);
  }

  private changeState(row: PackedRow, to: m.ResourceState, at: string): void {
    const t = Date.parse(at);
    this.full(row, m.CFX.stationStateChanged, at, t, m.stationStateChanged(this.state, to, (t - this.stateSince) / 1000));
    this.state = to;
    this.stateSince = t;
  }
}

/**
 * A run found killed (its `runs` row never closed): its StationOffline, at its last record, and a FaultCleared for
 * each passing fault it raised, which it never sent itself. Call in the transaction that closes the run; nothing is
 * written when MES is off or the run did not publish.
 */
export function killedRunEnded(db: Db, run: { id: number; lotId: string }): void {
  const store = new OutboxStore(db);
  const c = store.config();
  const ref = c?.enabled ? store.mesRunOf(run.id) : undefined;
  const at = ref === undefined ? undefined : store.lastActivity(run.id);
  if (!c || ref === undefined || at === undefined) return;
  const row = new PackedRow(ref);
  const ms = Date.parse(at);
  for (const a of store.runAlarms(run.id)) if (!LASTING_FAULTS.has(a.code)) row.full(m.CFX.faultCleared, randomUUID(), at, ms, JSON.stringify(faultCleared(faultOccurrenceId(c.handle, a.id))));
  row.full(m.CFX.stationOffline, randomUUID(), at, ms, JSON.stringify(m.stationOffline()));
  store.addPacked(row.size, row.first, row.timeStamp, run.lotId, row.text());
}
