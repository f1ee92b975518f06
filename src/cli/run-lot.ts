import type { Db } from '../db/open.js';
import { openDb } from '../db/open.js';
import { backupDbSync } from '../store/backup.js';
import { UsageError } from '../errors.js';
import { loadFarmFile } from '../farm/load.js';
import { syncFarm } from '../farm/sync.js';
import { gangflashFiles, preflightFarm } from '../farm/preflight.js';
import { pinnedImagePaths } from '../jobs/store.js';
import { prepareLotJob } from '../scheduler/lot-job.js';
import { RunLeases } from '../scheduler/run-leases.js';
import { farmProgrammers, farmSites, siteUnusable } from '../scheduler/farm-sites.js';
import { runLot, type RunSummary } from '../scheduler/run-lot.js';
import { now, type RunEnd } from '../scheduler/events.js';
import { FarmWaveRunner } from '../scheduler/farm-runner.js';
import { dbWriteFailed, dbWriteFailedAtStart, isDbWriteFailure } from '../scheduler/db-write.js';
import type { ProgrammerSpec } from '../programmers/spec.js';
import type { RingOptions } from '../fanout/farm-session.js';
import { runOutput, type RunOutputMode } from './run-output.js';
import { liveSetup } from './live-setup.js';
import { EXIT } from './exit-codes.js';
import { say } from './output.js';
import { actor } from '../jobs/release.js';
import { RunStore } from '../store/runs.js';
import { verifyAfterUncleanClose } from '../scheduler/clean-close.js';
import { gangflashVersion } from '../paths.js';
import os from 'node:os';
import { wrap } from './screen.js';
import { startRunPublisher } from '../mes/run-publisher.js';
import { yieldOf, yieldPercent } from '../stats/yield-of.js';
import { StationLink, type StationOptions } from '../station/station-link.js';
import { HubJournalStore } from '../store/hub-journal.js';
import { adapterWearRecords } from '../store/adapters.js';

/** Options of one `run` (also used by the demo). */
export interface RunLotCommandOptions {
  dbFile: string;
  /** An already open database (the demo's); otherwise dbFile is opened and closed. */
  db?: Db;
  lot: string;
  farmFile?: string;
  mode: RunOutputMode;
  progress?: boolean;
  stopYield?: number;
  stopYieldAfter?: number;
  siteFailLimit?: number;
  /** Seconds after which a wave is given up and its unfinished devices fail `timeout`. @default 3600 */
  cycleTimeout?: number;
  /** Overrides the speed of every sim programmer. */
  speed?: number | 'unlimited';
  /** Ring sizes of the fan-out. @default FarmSession's (32 × 1 MiB) */
  ring?: RingOptions;
  /** Stall ms a slow programmer may cost the farm per wave before it reads the image itself. @default 2000 */
  slowConsumerMs?: number;
  /** Live view: ring the terminal bell on every alarm. */
  bell?: boolean;
  /** Print a human summary after the run in live mode. @default true */
  summary?: boolean;
  /** Who runs the lot. @default $GANGFLASH_OPERATOR or the login name */
  operator?: string;
  /** Run a job version that was not released (an engineering run). @default false */
  engineering?: boolean;
  /** Wait while the lot or one of its programmers is held by another live run, instead of exiting 6. @default false */
  wait?: boolean;
  /** Run as a station of a hub: reels and serial blocks leased from it, records uploaded to it. @default undefined */
  hub?: Omit<StationOptions, 'lot'>;
}

const EXIT_FOR: Record<RunEnd, number> = { done: EXIT.ok, 'yield-stop': EXIT.yieldStop, interrupted: EXIT.interrupted, 'no-sites': EXIT.userError, 'db-error': EXIT.dbWrite, 'lease-lost': EXIT.lotHeld, 'serial-exhausted': EXIT.userError, 'out-of-work': EXIT.outOfWork };

/**
 * A station's exit: 0 when the hub has no free reel left for it and everything it recorded is uploaded; 9
 * (out of work) when it stopped on the reels or serial values it holds while the hub was unreachable, or its backlog
 * could not drain before the end.
 */
function stationExit(end: RunEnd, link: StationLink, waiting: number): number {
  if (end === 'out-of-work' || end === 'serial-exhausted') return link.outOfWork === 'no-reels' && waiting === 0 && end === 'out-of-work' ? EXIT.ok : EXIT.outOfWork;
  if (end === 'done' && waiting > 0) return EXIT.outOfWork;
  return EXIT_FOR[end];
}

/** Lease timing from GANGFLASH_HEARTBEAT_MS and GANGFLASH_LEASE_STALE_MS (whole ms); unset or invalid: the defaults (2000, 15000). */
function leaseTimes(): { heartbeatMs?: number; staleMs?: number } {
  const ms = (v: string | undefined) => (v !== undefined && /^\d{1,9}$/.test(v) && Number(v) > 0 ? Number(v) : undefined);
  return { heartbeatMs: ms(process.env.GANGFLASH_HEARTBEAT_MS), staleMs: ms(process.env.GANGFLASH_LEASE_STALE_MS) };
}

/** Runs a lot end to end: checks, lease, workers, scheduler, output; returns the exit code. */
export async function runLotCommand(o: RunLotCommandOptions): Promise<number> {
  const db =
    o.db ??
    openDb(o.dbFile, {
      create: false,
      beforeMigrate: (d, from, to) => {
        const backup = backupDbSync(d, o.dbFile, `schema${from}`);
        process.stderr.write(`gangflash: migrating the database from schema ${from} to ${to}; backup: ${backup}\n`);
      },
    });
  let programming = false;
  try {
    verifyAfterUncleanClose(db, o.dbFile);
    if (o.farmFile) syncFarm(db, loadFarmFile(o.farmFile));
    const operator = actor(o.operator);
    const lj = await prepareLotJob(db, o.lot, { engineering: o.engineering });
    if (!o.hub && new HubJournalStore(db).isHubLot(o.lot)) {
      throw new UsageError('hub-lot', `lot ${o.lot} runs through a hub on this station (its reels are leased from the hub): run it with --hub URL --station NAME`);
    }
    if (lj.counters.remaining === 0 && !o.hub) {
      const out = runOutput(o.mode);
      out.listener({ type: 'lot-done', at: now(), end: 'done', planned: lj.counters.planned, passed: lj.counters.passed, failed: lj.counters.failed, remaining: 0, yield: lj.counters.yield, seconds: 0 });
      if (o.mode === 'live') say(`lot ${o.lot} is already done: ${lj.counters.passed} passed, ${lj.counters.failed} failed`);
      return EXIT.ok;
    }
    const sites = farmSites(db, lj.chip);
    const usable = sites.filter((s) => siteUnusable(s) === null);
    if (usable.length === 0) {
      const reasons = sites.slice(0, 8).map((s) => `${s.programmer}:${s.site} ${siteUnusable(s)}`).join('; ');
      throw new UsageError('no-sites', `no site can take ${lj.chip.part} (${lj.chip.package} ${lj.chip.bodyWmm}x${lj.chip.bodyLmm}): ${reasons || 'no programmers registered'}; see \`gangflash compat ${lj.chip.part}\``);
    }
    const names = new Set(usable.map((s) => s.programmer));
    const specs: ProgrammerSpec[] = farmProgrammers(db)
      .filter((p) => names.has(p.name))
      .map((p) => {
        const options = { ...p.options };
        if (p.driver === 'sim') {
          if (o.speed !== undefined) options.speed = o.speed;
          options.siteWear = sites.filter((s) => s.programmer === p.name).map((s) => (s.ratedInsertions ? s.insertions / s.ratedInsertions : 0));
        }
        return { name: p.name, driver: p.driver, model: p.model, serial: p.serial, sites: p.sites, options };
      });
    const usedSites = new Map(specs.map((p) => [p.name, usable.filter((s) => s.programmer === p.name).map((s) => s.site)]));
    preflightFarm(specs, gangflashFiles(o.dbFile, pinnedImagePaths(db)), usedSites);

    const setup = o.mode === 'live' ? liveSetup(db, o.lot, sites, lj.image.sha256, { dbFile: o.dbFile, bell: o.bell, ops: lj.template.ops }) : undefined;
    const out = runOutput(o.mode, { progress: o.progress, setup });
    const controller = new AbortController();
    let stolen: Error | undefined;
    let runner: FarmWaveRunner | undefined;
    const programmerIds = farmProgrammers(db).filter((p) => names.has(p.name)).map((p) => ({ id: p.id, name: p.name }));
    const waitStop = new AbortController();
    const stopWaiting = () => waitStop.abort();
    process.once('SIGINT', stopWaiting);
    let leases: RunLeases;
    let tookOver: string[];
    try {
      ({ leases, tookOver } = await RunLeases.acquire(db, o.lot, programmerIds, {
        ...leaseTimes(),
        wait: o.wait,
        signal: waitStop.signal,
        onWait: (m) => out.notice(m),
        onLost: (e) => {
          // Paused past the heartbeat and taken over: stop at once; the database refuses anything this run would record.
          stolen = e;
          controller.abort();
          runner?.abortWave('the lease was taken by another run');
          out.notice(`${e.message}; stopping now, nothing more is recorded`);
          out.stopping();
        },
      }));
    } catch (e) {
      out.stop();
      throw e;
    } finally {
      process.off('SIGINT', stopWaiting);
    }
    // Until the run returns, a process ended early (stdout reader gone) exits as interrupted, never as done.
    const exitWas = process.exitCode;
    process.exitCode = EXIT.interrupted;
    let signals = 0;
    const onSignal = () => {
      signals++;
      if (signals === 1) {
        controller.abort();
        out.stopping();
      } else {
        out.stop();
        process.exit(EXIT.interrupted);
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    let summary: RunSummary | undefined;
    const runs = new RunStore(db);
    // Who ran it, whether as an engineering run, and which gangflash: every insertion of this run points here.
    const runId = runs.start({ lotId: o.lot, jobId: lj.job.id, operator, engineering: o.engineering === true && !lj.job.release, host: os.hostname(), pid: process.pid, gangflashVersion, nodeVersion: process.versions.node });
    // MES: the outbox is drained alongside programming on this thread's idle time (docs/mes.md).
    const mes = startRunPublisher(db, (m) => process.stderr.write(`gangflash: ${m}\n`));
    let link: StationLink | undefined;
    let drained: { waiting: number } | undefined;
    try {
      if (o.hub) {
        const used = farmProgrammers(db).filter((p) => names.has(p.name)).map((p) => ({ serial: p.serial, name: p.name, driver: p.driver, model: p.model, sites: p.sites }));
        const serialOf = new Map(farmProgrammers(db).map((p) => [p.name, p.serial]));
        const adapters = adapterWearRecords(db).map((a) => ({
          serial: a.serial, adapterType: a.type, station: o.hub!.station, programmer: a.programmer === null ? null : (serialOf.get(a.programmer) ?? null), site: a.site, status: a.stored === 'retired' ? ('retired' as const) : ('ok' as const),
        }));
        link = await StationLink.connect(db, { ...o.hub, lot: o.lot }, { imageSha256: lj.image.sha256, programmers: used, adapters, serial: lj.serial, listener: out.listener });
      }
      for (const t of tookOver) out.listener({ type: 'alarm', at: now(), code: 'lease-takeover', message: t });
      runner = await FarmWaveRunner.start({ programmers: specs, chip: lj.chip, template: lj.template, image: lj.image, checked: new Map(lj.imageChecks.map((c) => [c.path, c.identity])), session: { ring: o.ring, slowConsumerMs: o.slowConsumerMs } });
      programming = true;
      summary = await runLot(db, runner, {
        lot: o.lot,
        chip: lj.chip,
        serial: lj.serial,
        stopYield: o.stopYield,
        stopYieldAfter: o.stopYieldAfter,
        siteFailLimit: o.siteFailLimit,
        cycleTimeoutMs: o.cycleTimeout === undefined ? undefined : o.cycleTimeout * 1000,
        signal: controller.signal,
        imageChecks: lj.imageChecks,
        fence: leases,
        runId,
        listener: out.listener,
        supply: link,
      });
    } finally {
      if (link) {
        drained = await link.close();
        if (drained.waiting > 0) out.notice(`hub unreachable: ${drained.waiting} record(s) wait in this station's journal; they are uploaded by the next \`run --hub\` of this station`);
      }
      if (!stolen) {
        try {
          runs.end(runId, summary?.end ?? 'error');
        } catch {
          // The run's own end is bookkeeping: a database that refuses it now has already stopped the run with its own error.
        }
      }
      out.stop();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await runner?.close();
      leases.release();
      await mes?.finish();
      process.exitCode = exitWas;
    }
    if (summary.error) process.stderr.write(`gangflash: ${summary.error.message} [${summary.end === 'lease-lost' ? 'lease-lost' : 'db-write-failed'}]\n`);
    if (o.mode === 'live' && o.summary !== false) {
      const y = yieldPercent(yieldOf(summary));
      const text = `lot ${o.lot}: ${summary.end}; ${summary.passed} passed, ${summary.failed} failed (yield ${y}%), ${summary.remaining} remaining; ${summary.attempts} insertions in ${summary.seconds.toFixed(1)} s`;
      say(process.stdout.isTTY ? wrap(text, (process.stdout.columns ?? 80) - 1).join('\n') : text);
    }
    if (stolen) return EXIT.lotHeld;
    return link ? stationExit(summary.end, link, drained?.waiting ?? 0) : EXIT_FOR[summary.end];
  } catch (e) {
    // A write refused outside the recording path (the lease, the farm sync): the same stop, its own exit code.
    if (isDbWriteFailure(e)) throw programming ? dbWriteFailed(e as Error, []) : dbWriteFailedAtStart(e as Error);
    throw e;
  } finally {
    if (!o.db) db.close();
  }
}
