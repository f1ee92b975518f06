import type { Db } from '../db/open.js';
import { LotService } from '../scheduler/lot-service.js';
import type { StationLink, StationOptions } from '../station/station-link.js';
import { now, type RunEnd, type RunListener } from '../scheduler/events.js';
import { lotCounters } from '../lots/counters.js';
import type { RingOptions } from '../fanout/pool/farm-session.js';
import { runOutput, type RunOutput, type RunOutputMode } from './run-output.js';
import { liveSetup } from './live-setup.js';
import { EXIT } from './exit-codes.js';
import { say } from './output.js';
import { holdYoungGeneration } from './young-generation.js';
import { yieldOf, yieldPercent } from '../stats/yield-of.js';

/** Options of one `run` (also used by the demo). */
export interface RunCommandOptions {
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
  /** Time scale of every sim programmer (a sim option, passed to the sim driver). @default each programmer's own */
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
 * A station's exit: 0 when the hub has no free reel left for it, everything it recorded is uploaded and the hub
 * confirmed every reel done here; 9 (out of work) when it stopped on the reels or serial values it holds while the
 * hub was unreachable, or its backlog could not drain (or a reel be confirmed) before the end.
 */
function stationExit(end: RunEnd, link: StationLink, waiting: number): number {
  const settled = waiting === 0 && link.unconfirmed() === 0;
  if (end === 'out-of-work' || end === 'serial-exhausted') return link.outOfWork === 'no-reels' && settled && end === 'out-of-work' ? EXIT.ok : EXIT.outOfWork;
  if (end === 'done' && !settled) return EXIT.outOfWork;
  return EXIT_FOR[end];
}

/** Lease timing from GANGFLASH_HEARTBEAT_MS and GANGFLASH_LEASE_STALE_MS (whole ms); unset or invalid: the defaults (2000, 15000). */
function leaseTimes(): { heartbeatMs?: number; staleMs?: number } {
  const ms = (v: string | undefined) => (v !== undefined && /^\d{1,9}$/.test(v) && Number(v) > 0 ? Number(v) : undefined);
  return { heartbeatMs: ms(process.env.GANGFLASH_HEARTBEAT_MS), staleMs: ms(process.env.GANGFLASH_LEASE_STALE_MS) };
}

/** Runs a lot through the scheduler service with signals and output; returns the exit code. */
export async function runCommand(o: RunCommandOptions): Promise<number> {
  // The hub's client (pg) is loaded only for a station run: a run of the station's own lot starts without it.
  const station = o.hub ? new (await import('../station/run-supply.js')).StationSupply(o.hub, o.lot) : undefined;
  const service = await LotService.open({
    dbFile: o.dbFile,
    db: o.db,
    lot: o.lot,
    farmFile: o.farmFile,
    stopYield: o.stopYield,
    stopYieldAfter: o.stopYieldAfter,
    siteFailLimit: o.siteFailLimit,
    cycleTimeoutMs: o.cycleTimeout === undefined ? undefined : o.cycleTimeout * 1000,
    ring: o.ring,
    slowConsumerMs: o.slowConsumerMs,
    operator: o.operator,
    engineering: o.engineering,
    wait: o.wait,
    lease: leaseTimes(),
    driverOptions: o.speed === undefined ? {} : { sim: { speed: o.speed } },
    supply: station?.connect,
  });
  let out: RunOutput | undefined;
  // Until the run returns, a process ended early (stdout reader gone) exits as interrupted, never as done.
  const exitWas = process.exitCode;
  const endOutput = () => {
    out?.stop();
    out = undefined;
  };
  let releaseYoung = () => {};
  let signals = 0;
  let quitting = false;
  let runStarted = Date.now();
  // A second Ctrl-C quits now, without waiting for the cycle in flight. The NDJSON stream still ends as docs/events.md
  // says a run ends, with `lot-done` (end `interrupted`, the lot's counters as recorded: the devices in the sockets are
  // remaining, re-run on resume), and nothing after it; the process exits once stdout has taken that line.
  const quitNow = () => {
    quitting = true;
    if (o.mode === 'ndjson' && out) {
      try {
        const c = lotCounters(service.db, o.lot);
        out.listener({ type: 'lot-done', at: now(), end: 'interrupted', planned: c.planned, passed: c.passed, failed: c.failed, remaining: c.remaining, yield: c.yield, seconds: (Date.now() - runStarted) / 1000 });
      } catch {
        // The database cannot be read now: quit all the same, as asked.
      }
    }
    endOutput();
    process.stdout.write('', () => process.exit(EXIT.interrupted));
  };
  const onSignal = () => {
    if (++signals === 1) service.stop();
    else if (!quitting) quitNow();
    else process.exit(EXIT.interrupted); // a third: stdout does not drain (a stopped reader); do not wait for it
  };
  try {
    if (service.done) {
      const c = service.job.counters;
      await service.run({ listener: (await runOutput(o.mode)).listener });
      if (o.mode === 'live') say(`lot ${o.lot} is already done: ${c.passed} passed, ${c.failed} failed`);
      return EXIT.ok;
    }
    const lj = service.job;
    const setup = o.mode === 'live' ? liveSetup(service.db, o.lot, service.sites, lj.image.sha256, { dbFile: o.dbFile, bell: o.bell, ops: lj.template.ops }) : undefined;
    out = await runOutput(o.mode, { progress: o.progress, setup });
    process.exitCode = EXIT.interrupted;
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    releaseYoung = holdYoungGeneration();
    const shown = out;
    const listener: RunListener = (e) => {
      if (!quitting) shown.listener(e); // nothing after the lot-done of a second Ctrl-C
    };
    runStarted = Date.now();
    const r = await service.run({ listener, notice: out.notice, stopping: out.stopping });
    if (r.supplyWaiting) {
      const why = station?.link?.lastFailure === 'refused' ? 'the hub refused an upload (alarm hub-upload-refused)' : 'hub unreachable';
      out.notice(`${why}: ${r.supplyWaiting} record(s) wait in this station's journal; they are uploaded by the next \`run --hub\` of this station`);
    }
    const unconfirmed = station?.link?.unconfirmed() ?? 0;
    if (unconfirmed > 0) out.notice(`the hub has not confirmed ${unconfirmed} reel(s) done here; the next \`run --hub\` of this station does`);
    endOutput();
    if (r.error) process.stderr.write(`gangflash: ${r.error.message} [${r.end === 'lease-lost' ? 'lease-lost' : 'db-write-failed'}]\n`);
    if (o.mode === 'live' && o.summary !== false) {
      const y = yieldPercent(yieldOf(r));
      const text = `lot ${o.lot}: ${r.end}; ${r.passed} passed, ${r.failed} failed (yield ${y}%), ${r.remaining} remaining; ${r.attempts} insertions in ${r.seconds.toFixed(1)} s`;
      const { wrap } = await import('./screen.js');
      say(process.stdout.isTTY ? wrap(text, (process.stdout.columns ?? 80) - 1).join('\n') : text);
    }
    if (r.leaseLost) return EXIT.lotHeld;
    return station?.link ? stationExit(r.end, station.link, r.supplyWaiting ?? 0) : EXIT_FOR[r.end];
  } finally {
    releaseYoung();
    endOutput();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.exitCode = exitWas;
    service.close();
  }
}
