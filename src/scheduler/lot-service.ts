/**
 * The lot run as a service: everything between "run lot L" and its summary that is not options, signals or output.
 * It opens (and verifies) the database, syncs the farm file, loads the lot's job, finds the farm's sites once, builds
 * the driver specs and preflights them; then `run` takes the leases, records the run's start and end, starts the
 * MES publisher and the workers, and runs the lot. The CLI, the demo, the benches and the tests all call it.
 */
import os from 'node:os';
import type { Db } from '../db/open.js';
import { openDb } from '../db/open.js';
import { backupDbSync } from '../store/backup.js';
import { UsageError } from '../errors.js';
import { loadFarmFile } from '../farm/load.js';
import { syncFarm } from '../farm/sync.js';
import { gangflashFiles, preflightFarm } from '../farm/preflight.js';
import { pinnedImagePaths } from '../jobs/store.js';
import { actor } from '../jobs/release.js';
import { startRunPublisher } from '../mes/run-publisher.js';
import { RunStore } from '../store/runs.js';
import { HubJournalStore } from '../store/hub-journal.js';
import type { SerialLedger } from '../serials/ledger.js';
import { gangflashVersion } from '../paths.js';
import type { ProgrammerSpec } from '../programmers/spec.js';
import { linkLost } from '../programmers/site-result.js';
import type { RingOptions } from '../fanout/pool/farm-session.js';
import { prepareLotJob, type LotJob } from './lot-job.js';
import { noSites } from './no-sites.js';
import { RunLeases } from './run-leases.js';
import { farmProgrammers, farmSites, siteUnusable, type FarmProgrammer, type FarmSite } from './farm-sites.js';
import type { WorkSupply } from './work-supply.js';
import { driverSpecs, type DriverOptionOverrides } from './driver-specs.js';
import { runLot, type RunSummary } from './run-lot.js';
import { now, type RunListener } from './events.js';
import { FarmWaveRunner } from './farm-runner.js';
import { dbWriteFailed, dbWriteFailedAtStart, isDbWriteFailure } from './db-write.js';
import { verifyAfterUncleanClose } from './clean-close.js';

/** Options of one run of a lot. */
export interface LotServiceOptions {
  /** The database file (also what the preflight protects, and where a migration's backup goes). */
  dbFile: string;
  /** An already open database (the demo's): the service neither opens nor closes it. @default dbFile is opened and closed */
  db?: Db;
  lot: string;
  /** farm.json: its programmers and adapter mounts are registered/updated before the run. @default none */
  farmFile?: string;
  /** Stop when the lot's yield falls below this share (0..1). @default no limit */
  stopYield?: number;
  /** Devices finished before the yield limit applies. @default 50 */
  stopYieldAfter?: number;
  /** Socket failures in a row that disable a site. @default 3 */
  siteFailLimit?: number;
  /** A wave still running after this many ms is given up: its unfinished devices fail `timeout`. @default 3600000 */
  cycleTimeoutMs?: number;
  /** Ring sizes of the fan-out. @default FarmSession's (32 × 1 MiB) */
  ring?: RingOptions;
  /** Stall ms a slow programmer may cost the farm per wave before it reads the image itself. @default 2000 */
  slowConsumerMs?: number;
  /** Who runs the lot. @default $GANGFLASH_OPERATOR or the login name */
  operator?: string;
  /** Run a job version that was not released (an engineering run). @default false */
  engineering?: boolean;
  /** Wait while the lot or one of its programmers is held by another live run, instead of refusing. @default false */
  wait?: boolean;
  /** Lease heartbeat and takeover timing. @default RunLeases' (2000 ms, 15000 ms) */
  lease?: { heartbeatMs?: number; staleMs?: number };
  /** Driver options by driver name, over each programmer's own (sim knobs such as `speed`). @default {} */
  driverOptions?: DriverOptionOverrides;
  /** Messages outside the event stream (a migration's backup, the MES publisher). @default to stderr as "gangflash: …" */
  log?: (text: string) => void;
  /**
   * Where the lot's work comes from when a hub hands it out (the CLI's `--hub`: a station link, which the scheduler
   * cannot build itself: the station uses the scheduler). Connected once the leases are taken, closed when the run
   * ends. @default none: the lot's own reels
   */
  supply?: (run: SupplyContext) => Promise<ClosableSupply>;
}

/** What a run tells its work supply as it connects it: the image, the programmers it drives, its serial ledger, its events. */
export interface SupplyContext {
  db: Db;
  imageSha256: string;
  /** The programmers this run drives (those with a usable site). */
  programmers: FarmProgrammer[];
  serial: SerialLedger | null;
  listener: RunListener;
}

/** A work supply the run closes when it ends. */
export interface ClosableSupply extends WorkSupply {
  /** Ends the supply; `waiting`: records not uploaded yet (they go with the next run). */
  close(): Promise<{ waiting: number }>;
}

/** What a run tells its caller besides the event stream. */
export interface LotRunHooks {
  /** Receives every event of the run. @default none */
  listener?: RunListener;
  /** Something for the operator outside the event stream (waiting for a holder, the lease taken). @default none */
  notice?: (text: string) => void;
  /** The run was asked to stop (or lost its lease) and stops after the cycle in flight. @default none */
  stopping?: () => void;
}

/** How a run ended: the scheduler's summary, and whether another run took the lease (nothing more was recorded). */
export interface LotRunResult extends RunSummary {
  leaseLost: boolean;
  /** The lot had no device left: nothing was started. */
  alreadyDone: boolean;
  /** With a work supply: records still waiting to be uploaded when it closed. @default undefined (no supply) */
  supplyWaiting?: number;
}

/**
 * Page cache of a run's connection, KiB (SQLite's own default; better-sqlite3's 16000 is sized for reads). A run
 * appends rows and reads few back: with 16000 the cache filled with pages it had written and never read again, and
 * peak RSS grew by ~14 MB from a 10,000- to a 100,000-device lot at the same speed (bench:scale --only rss).
 */
const RUN_CACHE_KIB = 2000;
const stderrLog = (text: string) => void process.stderr.write(`gangflash: ${text}\n`);

/** A lot ready to run: its database, job, the farm's sites for its chip, and the checked driver specs. */
export class LotService {
  private readonly stopper = new AbortController();
  private hooks: LotRunHooks = {};
  private leased = false;

  private constructor(
    /** The run's database (the caller's when it passed one). */
    readonly db: Db,
    private readonly o: LotServiceOptions,
    /** The lot's job, chip, image and counters when the run was prepared. */
    readonly job: LotJob,
    /** Every site of the farm as seen for the lot's chip (found once; empty when the lot is already done). */
    readonly sites: FarmSite[],
    private readonly specs: ProgrammerSpec[],
    private readonly programmers: FarmProgrammer[],
    private readonly operator: string,
  ) {}

  /** Opens and checks everything a run needs before a device is touched; refuses (throws) with nothing written. */
  static async open(o: LotServiceOptions): Promise<LotService> {
    const log = o.log ?? stderrLog;
    const db =
      o.db ??
      openDb(o.dbFile, {
        create: false,
        cacheKiB: RUN_CACHE_KIB,
        beforeMigrate: (d, from, to) => log(`migrating the database from schema ${from} to ${to}; backup: ${backupDbSync(d, o.dbFile, `schema${from}`)}`),
      });
    try {
      verifyAfterUncleanClose(db, o.dbFile);
      if (o.farmFile) syncFarm(db, loadFarmFile(o.farmFile));
      const operator = actor(o.operator);
      const lj = await prepareLotJob(db, o.lot, { engineering: o.engineering });
      if (!o.supply && new HubJournalStore(db).isHubLot(o.lot)) {
        throw new UsageError('hub-lot', `lot ${o.lot} runs through a hub on this station (its reels are leased from the hub): run it with --hub URL --station NAME`);
      }
      if (lj.counters.remaining === 0 && !o.supply) return new LotService(db, o, lj, [], [], [], operator);
      const sites = farmSites(db, lj.chip);
      if (!sites.some((s) => siteUnusable(s) === null)) throw noSites(lj.chip, sites);
      const { specs, used, usedSites } = driverSpecs(farmProgrammers(db), sites, o.driverOptions);
      preflightFarm(specs, gangflashFiles(o.dbFile, pinnedImagePaths(db)), usedSites);
      return new LotService(db, o, lj, sites, specs, used, operator);
    } catch (e) {
      if (!o.db) db.close();
      // A write refused outside the recording path (the farm sync, a legacy serial rule): no device was programmed.
      throw isDbWriteFailure(e) ? dbWriteFailedAtStart(e as Error) : e;
    }
  }

  /** True when the lot had no device left to program when prepared (a hub's lot is never done here: the hub says). */
  get done(): boolean {
    return this.job.counters.remaining === 0 && !this.o.supply;
  }

  /** Stops waiting for a holder, or stops the run after the cycle in flight (the devices in it are recorded). */
  stop(): void {
    if (this.stopper.signal.aborted) return;
    this.stopper.abort();
    if (this.leased) this.hooks.stopping?.();
  }

  /** Runs the lot to its end (done, stopped, out of sites, below its yield limit, lease or database lost). */
  async run(hooks: LotRunHooks = {}): Promise<LotRunResult> {
    this.hooks = hooks;
    const listener = hooks.listener ?? (() => undefined);
    const c = this.job.counters;
    if (this.done) {
      listener({ type: 'lot-done', at: now(), end: 'done', planned: c.planned, passed: c.passed, failed: c.failed, remaining: 0, yield: c.yield, seconds: 0 });
      return { end: 'done', passed: c.passed, failed: c.failed, remaining: 0, attempts: 0, seconds: 0, leaseLost: false, alreadyDone: true };
    }
    let programming = false;
    try {
      return await this.leasedRun(listener, () => (programming = true));
    } catch (e) {
      // A write refused outside the recording path (the lease, the run's own row): the same stop, its own error.
      if (isDbWriteFailure(e)) throw programming ? dbWriteFailed(e as Error, []) : dbWriteFailedAtStart(e as Error);
      throw e;
    }
  }

  /** Closes the database when the service opened it. */
  close(): void {
    if (!this.o.db) this.db.close();
  }

  private async leasedRun(listener: RunListener, programming: () => void): Promise<LotRunResult> {
    const { db, o, job: lj, hooks } = this;
    let stolen: Error | undefined;
    let runner: FarmWaveRunner | undefined;
    const { leases, tookOver } = await RunLeases.acquire(db, o.lot, this.programmers.map((p) => ({ id: p.id, name: p.name })), {
      ...o.lease,
      wait: o.wait,
      signal: this.stopper.signal,
      onWait: (m) => hooks.notice?.(m),
      onLost: (e) => {
        // Paused past the heartbeat and taken over: stop at once; the database refuses anything this run would record.
        stolen = e;
        this.stopper.abort();
        runner?.abortWave(linkLost('the lease was taken by another run'));
        hooks.notice?.(`${e.message}; stopping now, nothing more is recorded`);
        hooks.stopping?.();
      },
    });
    this.leased = true;
    let summary: RunSummary | undefined;
    const runs = new RunStore(db);
    // Who ran it, whether as an engineering run, and which gangflash: every insertion of this run points here.
    const runId = runs.start({ lotId: o.lot, jobId: lj.job.id, operator: this.operator, engineering: o.engineering === true && !lj.job.release, host: os.hostname(), pid: process.pid, gangflashVersion: gangflashVersion(), nodeVersion: process.versions.node });
    // MES: the outbox is drained alongside programming on this thread's idle time (docs/mes.md).
    const mes = startRunPublisher(db, o.log ?? stderrLog);
    let supply: ClosableSupply | undefined;
    let supplyWaiting: number | undefined;
    try {
      if (o.supply) supply = await o.supply({ db, imageSha256: lj.image.sha256, programmers: this.programmers, serial: lj.serial, listener });
      for (const t of tookOver) listener({ type: 'alarm', at: now(), code: 'lease-takeover', message: t });
      runner = await FarmWaveRunner.start({ programmers: this.specs, chip: lj.chip, template: lj.template, image: lj.image, checked: new Map(lj.imageChecks.map((c) => [c.path, c.identity])), session: { ring: o.ring, slowConsumerMs: o.slowConsumerMs } });
      programming();
      summary = await runLot(db, runner, {
        lot: o.lot,
        chip: lj.chip,
        sites: this.sites,
        serial: lj.serial,
        stopYield: o.stopYield,
        stopYieldAfter: o.stopYieldAfter,
        siteFailLimit: o.siteFailLimit,
        cycleTimeoutMs: o.cycleTimeoutMs,
        signal: this.stopper.signal,
        imageChecks: lj.imageChecks,
        fence: leases,
        runId,
        listener,
        supply,
      });
    } finally {
      if (supply) supplyWaiting = (await supply.close()).waiting;
      if (!stolen) {
        try {
          runs.end(runId, summary?.end ?? 'error');
        } catch {
          // The run's own end is bookkeeping: a database that refuses it now has already stopped the run with its own error.
        }
      }
      await runner?.close();
      leases.release();
      await mes?.finish();
    }
    return { ...summary, leaseLost: stolen !== undefined, alreadyDone: false, supplyWaiting };
  }
}

/** Prepares, runs and closes one run of a lot (callers without signals or a live view: the benches, the tests). */
export async function runLotService(o: LotServiceOptions, hooks: LotRunHooks = {}): Promise<LotRunResult> {
  const service = await LotService.open(o);
  try {
    return await service.run(hooks);
  } finally {
    service.close();
  }
}
