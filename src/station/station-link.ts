import os from 'node:os';
import type { Db } from '../db/open.js';
import { HubError } from '../errors.js';
import { isUnreachable, openHub, type Hub } from '../hub/connection.js';
import { checkHubSchema } from '../hub/migrations.js';
import { redact } from '../hub/url.js';
import { jobOfLot } from '../hub/store/production.js';
import { finishReel, heartbeat, leaseNextReel, leaseReel, resumeReels, type ReelLease } from '../hub/store/reels.js';
import { claimSerialRange, leaseSerialBlock, putRule } from '../hub/store/serial-blocks.js';
import { putSiteStates } from '../hub/store/sites.js';
import { siteStatesBySerial } from '../store/sites.js';
import { putAdapter, putProgrammers, registerStation } from '../hub/store/stations.js';
import { HubJournalStore } from '../store/hub-journal.js';
import type { SerialLedger } from '../serials/ledger.js';
import type { RunListener } from '../scheduler/events.js';
import type { WorkSupply } from '../scheduler/work-supply.js';
import type { AdapterPlace, PublishedProgrammer, UploadResult } from '../records/station-wire.js';
import { Uploader } from './uploader.js';

/** Up to ten seqs for a message ("3, 7, 12, … (40)"). */
function list(seqs: number[]): string {
  return seqs.length <= 10 ? seqs.join(', ') : `${seqs.slice(0, 10).join(', ')}, … (${seqs.length})`;
}

/** Options of a station working through a hub. */
export interface StationOptions {
  /** The hub's connection string. */
  hubUrl: string;
  /** This station's name on the hub. */
  station: string;
  lot: string;
  /** Reels the operator loaded (`--reel`): only these are leased; without it, the next free reel each time. */
  reels?: string[];
  /** Serial values are leased in blocks that keep the station busy this long at its measured rate. @default 600 */
  busySeconds?: number;
  /** Reels leased ahead of the one in progress, at most (the feeder's depth; busySeconds decides below it). @default 1 */
  reelsAhead?: number;
  /** Records of each kind per upload batch. @default 500 */
  batchSize?: number;
  /** Pause between two uploads while records wait, in ms (the back-off after a failure starts here). @default 200 */
  uploadEveryMs?: number;
  /** Longest pause between two tries while the hub is unreachable, in ms. @default 5000 */
  maxBackoffMs?: number;
  /** Heartbeat of the station's reel leases, in ms. @default 2000 */
  heartbeatMs?: number;
  /** How long the end of a run waits for the backlog to drain, in ms. @default 30000 */
  drainMs?: number;
}

/** Why a station stopped asking for more work. */
export type OutOfWork = 'no-reels' | 'hub-offline' | null;

/**
 * A station's link to its hub: registers the station, leases reels and serial blocks (the run's WorkSupply), uploads
 * the journal's records in the background with retries and back-off, renews its reel leases, and notices a reel
 * moved away (fenced). With the hub unreachable the run goes on with what the station holds.
 */
export class StationLink implements WorkSupply {
  private readonly journal: HubJournalStore;
  private readonly uploader: Uploader;
  private online = true;
  private backoffMs: number;
  private timer: NodeJS.Timeout | null = null;
  private busy: Promise<void> | null = null;
  private lastBeat = 0;
  private moved = false;
  private closed = false;
  private lastReport = '';
  private lastReportAt = 0;
  /** The programmers whose sites this station publishes, and the states it published last (JSON). */
  private programmerSerials = new Set<string>();
  private sitesPublished = '';
  /** The hub's work (uploads, heartbeats, finishing reels) one step at a time: the background loop and `more()`. */
  private chain: Promise<unknown> = Promise.resolve();
  /** Per held reel: the seqs the hub has no device for that this station programs too (learnt when finishing it). */
  private readonly missing = new Map<string, number[]>();
  /** The upload refusal last alarmed (batch and error), so a batch refused again is not alarmed again. */
  private refusedKey = '';
  /** Devices started since the first wave (the station's measured rate). */
  private rate = { t0: 0, devices: 0 };
  /** Why `more()` last said no. */
  outOfWork: OutOfWork = null;
  /** Uploads the hub acknowledged in this run. */
  uploaded = { attempts: 0, devices: 0, late: 0 };
  /** Upload batches the hub refused in this run (each retry counts). */
  refusals = 0;
  /** Why the last upload that failed did: the hub refused the batch, or could not be reached (null: none failed). */
  lastFailure: 'refused' | 'unreachable' | null = null;

  private constructor(
    private readonly db: Db,
    private readonly hub: Hub,
    private readonly o: StationOptions,
    private readonly serial: SerialLedger | null,
    private readonly listener: RunListener,
    journalId: string,
  ) {
    this.journal = new HubJournalStore(db);
    this.uploader = new Uploader(hub, this.journal, o.station, journalId, o.batchSize ?? 500);
    this.backoffMs = o.uploadEveryMs ?? 200;
  }

  /**
   * Connects a station to its hub for a run of `lot`: registers it and its programmers, checks the lot's released
   * job pins the image this station has, resumes the reels it holds (and leases the operator's or the next free
   * one). With the hub unreachable it starts offline when the journal holds reels of the lot, and refuses otherwise.
   */
  static async connect(db: Db, o: StationOptions, ctx: { imageSha256: string; programmers: PublishedProgrammer[]; adapters: AdapterPlace[]; serial: SerialLedger | null; listener: RunListener }): Promise<StationLink> {
    const journal = new HubJournalStore(db);
    const { journalId } = journal.link();
    journal.setLink(o.station, redact(o.hubUrl));
    const hub = openHub(o.hubUrl, { max: 2, connectTimeoutMs: 2000 });
    const link = new StationLink(db, hub, o, ctx.serial, ctx.listener, journalId);
    if (ctx.serial) {
      const s = ctx.serial;
      s.useBlocks({ ranges: () => journal.blocks(s.ruleId) });
    }
    try {
      await checkHubSchema(hub);
      await registerStation(hub, { name: o.station, journalId, host: os.hostname(), pid: process.pid });
      const job = await jobOfLot(hub, o.lot);
      if (!job) throw new HubError('hub-lot-unknown', `lot ${o.lot} is not on the hub ${redact(o.hubUrl)}: publish it from the station that has it (\`gangflash hub publish --lot ${o.lot}\`)`);
      if (job.sha256 !== ctx.imageSha256) {
        throw new HubError('hub-image-differs', `lot ${o.lot} runs job ${job.name} v${job.version} on the hub, which pins image SHA-256 ${job.sha256.slice(0, 12)}…; this station's job pins ${ctx.imageSha256.slice(0, 12)}…: register the released image here first`);
      }
      journal.markHubLot(o.lot);
      await putProgrammers(hub, o.station, ctx.programmers);
      await link.publishSites(ctx.programmers.map((p) => p.serial));
      // The adapter inventory follows the adapters: a new place (another station, programmer or site) is history.
      for (const a of ctx.adapters) await putAdapter(hub, a);
      if (ctx.serial) {
        const d = ctx.serial.definition;
        await putRule(hub, d.name, JSON.parse(d.spec), d.capacity);
        // Values this journal issued under the rule before it worked through the hub become its own block first.
        const used = ctx.serial.nextIndex();
        if (used > 0 && journal.blocks(ctx.serial.ruleId).length === 0) {
          await claimSerialRange(hub, d.name, o.station, 0, used);
          journal.addBlock(ctx.serial.ruleId, 0, used);
        }
      }
      await link.resume();
    } catch (e) {
      if (!isUnreachable(e)) {
        await hub.close();
        throw e;
      }
      if (!journal.reels(o.lot).some((r) => r.state === 'held')) {
        await hub.close();
        throw e;
      }
      link.online = false;
      link.report(`hub offline at start: programming the reels this station holds`);
    }
    link.schedule(0);
    return link;
  }

  /** Takes back the reels the hub says this station holds; marks lost the ones moved away while it was stopped. */
  private async resume(): Promise<void> {
    const holder = `pid ${process.pid} on ${os.hostname()}`;
    const held = await resumeReels(this.hub, this.o.lot, this.o.station, holder);
    const keys = new Set(held.map((r) => r.reel));
    for (const r of this.journal.reels(this.o.lot)) {
      if (r.state === 'held' && !keys.has(r.reel)) {
        this.journal.setReel(r.lot, r.reel, 'lost');
        this.listener({ type: 'alarm', at: new Date().toISOString(), code: 'reel-moved-away', message: `reel ${r.reel} was moved to another station while this one was stopped; its devices recorded here are still uploaded` });
      }
    }
    for (const l of held) this.take(l);
    for (const reel of this.o.reels ?? []) if (!keys.has(reel)) this.take(await leaseReel(this.hub, this.o.lot, reel, this.o.station, holder));
    await this.more();
  }

  private take(l: ReelLease): void {
    const had = this.journal.reels(l.lot).find((r) => r.reel === l.reel);
    if (had && had.epoch === l.epoch && had.state !== 'lost') return;
    this.journal.putReel(l);
  }

  /** WorkSupply: tops up the serial blocks so the station keeps busy for `busySeconds` at its measured rate. */
  async beforeWave(devices: number): Promise<void> {
    if (this.rate.t0 === 0) this.rate.t0 = Date.now();
    else this.rate.devices += devices;
    const s = this.serial;
    if (!s) return;
    const left = Number(s.remaining() ?? 0n);
    const seconds = Math.max(1, (Date.now() - this.rate.t0) / 1000);
    // Never more values than devices on the reels held (a small rule is not hoarded by one station).
    const cap = this.journal.heldLeft(this.o.lot) + this.leftBehind().length + devices;
    const want = Math.min(cap, Math.max(devices * 4, Math.ceil((this.rate.devices / seconds) * (this.o.busySeconds ?? 600))));
    if (left >= Math.min(cap, Math.max(devices, want / 2))) return;
    try {
      const b = await leaseSerialBlock(this.hub, s.definition.name, this.o.station, this.o.lot, Math.min(1_000_000, want - left + devices));
      if (b) this.journal.addBlock(s.ruleId, b.firstK, b.endK);
      this.setOnline(true);
    } catch (e) {
      if (!isUnreachable(e)) throw e;
      this.setOnline(false);
    }
  }

  /**
   * WorkSupply: the station's reels are used up; marks them done and leases the next (or the operator's next). With
   * no reel left to lease, it first makes sure the hub has every device of the reels done here (uploading what waits):
   * a reel the hub still lacks devices of (left unfinished by an earlier holder) is programmed on.
   */
  async more(): Promise<boolean> {
    this.markDone();
    if (this.journal.reels(this.o.lot).some((r) => r.state === 'held')) return true;
    try {
      if (!this.o.reels) {
        const l = await leaseNextReel(this.hub, this.o.lot, this.o.station, `pid ${process.pid} on ${os.hostname()}`);
        this.setOnline(true);
        if (l) {
          this.journal.putReel(l);
          this.listener({ type: 'alarm', at: new Date().toISOString(), code: 'reel-leased', message: `reel ${l.reel} leased from the hub (epoch ${l.epoch}, from seq ${l.startSeq})` });
          return true;
        }
      }
      if (await this.settle()) return true;
      this.outOfWork = 'no-reels';
      return false;
    } catch (e) {
      if (!isUnreachable(e)) throw e;
      this.setOnline(false);
      this.outOfWork = 'hub-offline';
      return false;
    }
  }

  /**
   * Leases the lot's next free reel before the held ones run out when they would keep the station busy for less than
   * `busySeconds` at its measured rate (a feeder loaded ahead), so an outage of the hub does not starve it.
   */
  private async leaseAhead(): Promise<void> {
    if (this.o.reels || this.outOfWork === 'no-reels') return;
    const seconds = (Date.now() - this.rate.t0) / 1000;
    if (this.rate.t0 === 0 || seconds < 2 || this.rate.devices === 0) return; // no rate measured yet
    const need = (this.rate.devices / seconds) * (this.o.busySeconds ?? 600);
    if (this.journal.heldLeft(this.o.lot) >= need) return;
    const held = this.journal.reels(this.o.lot).filter((r) => r.state === 'held').length;
    if (held > (this.o.reelsAhead ?? 1)) return;
    const l = await leaseNextReel(this.hub, this.o.lot, this.o.station, `pid ${process.pid} on ${os.hostname()}`);
    if (!l) {
      this.outOfWork = 'no-reels';
      return;
    }
    this.journal.putReel(l);
    this.moved = true;
    this.listener({ type: 'alarm', at: new Date().toISOString(), code: 'reel-leased', message: `reel ${l.reel} leased ahead from the hub (epoch ${l.epoch}, from seq ${l.startSeq})` });
  }

  /** WorkSupply: true once after a reel was moved away from this station, or to it. */
  changed(): boolean {
    const c = this.moved;
    this.moved = false;
    return c;
  }

  /** Marks done every held reel whose devices are all recorded here (the hub is told by the next round). */
  private markDone(): void {
    for (const r of this.journal.reels(this.o.lot)) {
      if (r.state === 'held' && this.journal.reelLeft(r.lot, r.reel) <= 0 && this.owed(r.reel).length === 0) this.journal.setReel(r.lot, r.reel, 'done');
    }
  }

  /** WorkSupply: the seqs of held reels the hub has no device for and this journal has not recorded either. */
  leftBehind(): { reel: string; seq: number }[] {
    const held = this.journal.reels(this.o.lot).filter((r) => r.state === 'held');
    return held.flatMap((r) => this.owed(r.reel).map((seq) => ({ reel: r.reel, seq })));
  }

  /** Seqs of a reel the hub lacks that this station has still to program. */
  private owed(reel: string): number[] {
    const seqs = this.missing.get(reel);
    if (!seqs) return [];
    const here = this.journal.reelSeqs(this.o.lot, reel);
    return seqs.filter((s) => !here.has(s));
  }

  /** Attempts recorded here that the hub does not have yet. */
  waiting(): number {
    return this.journal.waitingAttempts();
  }

  /**
   * Reels this station has not finished with the hub: done here but not confirmed done by the hub (not reached, or
   * its devices still waiting), or held again for devices the hub lacks.
   */
  unconfirmed(): number {
    const owed = new Set(this.leftBehind().map((d) => d.reel));
    return this.journal.reels(this.o.lot).filter((r) => (r.state === 'done' && !r.reported) || owed.has(r.reel)).length;
  }

  /** Stops the background work after trying to drain the backlog for `drainMs`; returns what still waits. */
  async close(): Promise<{ waiting: number }> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.busy;
    const deadline = Date.now() + (this.o.drainMs ?? 30_000);
    while (Date.now() < deadline) {
      try {
        await this.exclusive(() => this.sync(true));
        if (this.journal.waiting() === 0 && !this.journal.reels(this.o.lot).some((r) => r.state === 'done' && !r.reported)) break;
      } catch (e) {
        // After the run: no alarm any more (the run's records are closed), only why the backlog stays.
        this.lastFailure = isUnreachable(e) ? 'unreachable' : 'refused';
        if (isUnreachable(e)) this.setOnline(false);
        await new Promise((r) => setTimeout(r, Math.min(this.backoffMs, Math.max(0, deadline - Date.now()))));
      }
    }
    // The backlog the station stops with, even when it grew within the second since the last offline report.
    if (!this.online) this.report(undefined, true);
    const waiting = this.journal.waiting();
    await this.hub.close();
    return { waiting };
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.busy = this.exclusive(() => this.tick()).finally(() => (this.busy = null));
    }, ms);
    this.timer.unref?.();
  }

  private async tick(): Promise<void> {
    try {
      const more = await this.sync(false);
      this.backoffMs = this.o.uploadEveryMs ?? 200;
      this.schedule(more ? 0 : this.backoffMs);
    } catch (e) {
      if (!isUnreachable(e)) this.refused(e);
      else {
        this.lastFailure = 'unreachable';
        this.setOnline(false);
        this.report();
      }
      this.backoffMs = Math.min(this.o.maxBackoffMs ?? 5000, this.backoffMs * 2);
      this.schedule(this.backoffMs);
    }
  }

  /** One round: heartbeat when due, one upload batch, done reels reported; true when more records wait. */
  private async sync(draining: boolean): Promise<boolean> {
    if (!draining && Date.now() - this.lastBeat >= (this.o.heartbeatMs ?? 2000)) {
      await this.beat();
      this.lastBeat = Date.now();
    }
    // Site states go with every round (sent only when they changed), so the drain at the end carries the last ones.
    await this.publishSites();
    const r = await this.uploader.pump();
    this.setOnline(true);
    if (!draining) await this.leaseAhead();
    this.count(r);
    // A reel programmed to its end is done at once, even while the run goes on with the next reel it holds.
    this.markDone();
    await this.finishDone();
    this.report();
    return r !== null;
  }

  /** Runs `fn` after the hub work before it ended (one upload, one heartbeat at a time). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** An upload the hub refused (not failed): alarmed once per batch and error, however often it is retried. */
  private refused(e: unknown): void {
    this.refusals++;
    this.lastFailure = 'refused';
    const key = `${this.uploader.lastBatch}/${(e as { code?: string }).code ?? ''}/${(e as Error).message}`;
    if (key === this.refusedKey) return;
    this.refusedKey = key;
    this.listener({ type: 'alarm', at: new Date().toISOString(), code: 'hub-upload-refused', message: (e as Error).message });
  }

  /**
   * Uploads until no device of a reel done here waits, then has the hub confirm those reels done; true when one of
   * them is held again (the hub lacks devices an earlier holder left behind). Throws when the hub is unreachable.
   */
  private settle(): Promise<boolean> {
    return this.exclusive(async () => {
      const pending = () => this.journal.reels(this.o.lot).filter((r) => r.state === 'done' && !r.reported);
      while (pending().some((r) => this.journal.reelWaiting(r.lot, r.reel) > 0)) {
        try {
          this.count(await this.uploader.pump());
        } catch (e) {
          if (isUnreachable(e)) throw e;
          this.refused(e);
          return false;
        }
      }
      await this.finishDone();
      this.setOnline(true);
      // Taken up again here, or by the background loop's round just before.
      return this.journal.reels(this.o.lot).some((r) => r.state === 'held');
    });
  }

  /**
   * Asks the hub to mark done every reel done here whose devices are all uploaded. When the hub lacks seqs of it that
   * this journal never recorded, the reel is held again and those seqs are programmed here (true); seqs it lacks
   * that this journal has are queued for upload again.
   */
  private async finishDone(): Promise<boolean> {
    let reopened = false;
    for (const reel of this.journal.reels(this.o.lot)) {
      if (reel.state !== 'done' || reel.reported || this.journal.reelWaiting(reel.lot, reel.reel) > 0) continue;
      let missing: number[];
      try {
        ({ missing } = await finishReel(this.hub, reel.lot, reel.reel, this.o.station, reel.epoch));
      } catch (e) {
        if (!(e instanceof HubError && e.code === 'reel-lease-lost')) throw e;
        missing = [];
      }
      if (missing.length === 0) {
        this.journal.reported(reel.lot, reel.reel);
        this.missing.delete(reel.reel);
        continue;
      }
      const here = this.journal.reelSeqs(reel.lot, reel.reel);
      const lost = missing.filter((s) => here.has(s));
      if (lost.length > 0) {
        const n = this.journal.resend(reel.lot, reel.reel, lost, reel.epoch);
        this.listener({ type: 'alarm', at: new Date().toISOString(), code: 'hub-records-resent', message: `the hub has no device for ${lost.length} seq(s) of reel ${reel.reel} that this station recorded (${list(lost)}): ${n} queued for upload again` });
      }
      const owed = missing.filter((s) => !here.has(s));
      if (owed.length === 0) continue;
      this.missing.set(reel.reel, owed);
      this.journal.setReel(reel.lot, reel.reel, 'held');
      this.moved = true;
      reopened = true;
      this.listener({ type: 'alarm', at: new Date().toISOString(), code: 'reel-devices-left', message: `the hub has no device for ${owed.length} seq(s) of reel ${reel.reel} (${list(owed)}), left unfinished by an earlier holder: programming them here` });
    }
    return reopened;
  }

  /** Adds an acknowledged batch to this run's upload counts. */
  private count(r: UploadResult | null): void {
    if (!r) return;
    this.uploaded.attempts += r.attempts.added;
    this.uploaded.devices += r.devices.added;
    this.uploaded.late += r.devices.late;
  }

  /**
   * Renews the station's reel leases: a reel the hub no longer gives this station under its epoch was moved away
   * (fenced: not programmed here any more); a reel an operator moved here is taken up after the hub's last device.
   */
  private async beat(): Promise<void> {
    const leases = await heartbeat(this.hub, this.o.station);
    const held = new Map(leases.map((r) => [`${r.lot}\0${r.reel}`, r.epoch]));
    const mine = new Map(this.journal.reels(this.o.lot).map((r) => [r.reel, r]));
    for (const l of leases) {
      if (l.lot !== this.o.lot) continue;
      const had = mine.get(l.reel);
      if (had && had.epoch === l.epoch) continue;
      this.journal.putReel(l);
      this.moved = true;
      this.listener({ type: 'alarm', at: new Date().toISOString(), code: 'reel-moved-here', message: `reel ${l.reel} was moved to this station (epoch ${l.epoch}): programming it from seq ${l.startSeq}` });
    }
    for (const r of this.journal.reels(this.o.lot)) {
      if (r.state !== 'held') continue;
      if (held.get(`${r.lot}\0${r.reel}`) === r.epoch) continue;
      this.journal.setReel(r.lot, r.reel, 'lost');
      this.moved = true;
      this.listener({ type: 'alarm', at: new Date().toISOString(), code: 'reel-moved-away', message: `reel ${r.reel} was moved to another station (fenced): this station stops programming it; its devices recorded here are still uploaded` });
    }
  }

  /** Tells the hub the states of this station's programmers' sites when they changed since it last did. */
  private async publishSites(serials?: string[]): Promise<void> {
    if (serials) this.programmerSerials = new Set(serials);
    const states = siteStatesBySerial(this.db).filter((s) => this.programmerSerials.has(s.programmer));
    const text = JSON.stringify(states);
    if (text === this.sitesPublished) return;
    await putSiteStates(this.hub, this.o.station, states);
    this.sitesPublished = text;
  }

  private setOnline(online: boolean): void {
    if (this.online === online) return;
    this.online = online;
    this.report();
  }

  /** Tells the listener the hub link's state when it changed (online, offline, attempts waiting); `force`: even if not. */
  private report(message?: string, force = false): void {
    const waiting = this.journal.waitingAttempts();
    const text = message ?? (this.online ? (waiting > 0 ? `hub online, ${waiting} attempts waiting` : 'hub online, every record uploaded') : `hub offline, ${waiting} attempts waiting`);
    const key = `${this.online}/${message ?? ''}`;
    // A change of state at once; while offline, the growing backlog at most once a second (and once more at the end).
    if (!force && key === this.lastReport && (this.online || Date.now() - this.lastReportAt < 1000)) return;
    this.lastReport = key;
    this.lastReportAt = Date.now();
    this.listener({ type: 'hub', at: new Date().toISOString(), online: this.online, waiting, message: text });
  }
}
