import PQueue, { TimeoutError } from 'p-queue';
import type { Db } from '../db/open.js';
import type { Chip } from '../catalog/chip.js';
import type { SerialWrite } from '../programmers/driver.js';
import type { SerialRule } from '../jobs/serial.js';
import { lotCounters } from '../lots/counters.js';
import { DeviceQueue, SOCKET_FAILURES } from './device-queue.js';
import { farmSites, siteUnusable, type FarmSite } from './farm-sites.js';
import { SerialBook } from './serials.js';
import { Recorder, type AttemptRecord } from './recorder.js';
import { now, type RunEnd, type RunListener } from './events.js';
import type { CycleRequest, WaveOutcome, WaveRunner } from './wave-runner.js';
import { dbWriteFailed, dbWriteFailedAtStart } from './db-write.js';
import { GuardedWrites } from './guarded-writes.js';
import { placeDevices, siteKey, type Placed } from './placement.js';
import { SiteWatch } from './site-watch.js';

/** Options of one run of a lot. */
export interface RunLotOptions {
  lot: string;
  chip: Chip;
  /** Serial numbering of the lot's job, or null when the job writes none. */
  serial: SerialRule | null;
  /** Stop when the lot's yield falls below this share (0..1). @default undefined (no limit) */
  stopYield?: number;
  /** Devices finished in this run before the yield limit applies. @default 50 */
  stopYieldAfter?: number;
  /** Socket failures in a row that disable a site. @default 3 */
  siteFailLimit?: number;
  /** Losses of a programmer's worker in a row before it is taken out of the run. @default 2 */
  programmerLossLimit?: number;
  /** A wave still running after this many ms is given up: its unfinished devices fail with `timeout`. @default 3600000 */
  cycleTimeoutMs?: number;
  /** Aborting stops the run after the wave in flight. */
  signal?: AbortSignal;
  /** How each pinned image was found unchanged (reported in `run-start`). @default [] */
  imageChecks?: { path: string; by: 'sha256' | 'identity'; ms: number }[];
  /** Receives every event of the run. */
  listener: RunListener;
}

/** How a run ended and the lot's counters at the end. */
export interface RunSummary {
  end: RunEnd;
  /** Set when end is 'db-error': what failed and which devices were not recorded. */
  error?: Error;
  passed: number;
  failed: number;
  remaining: number;
  attempts: number;
  seconds: number;
}

/** How a wave given up by the watchdog marks its programmers' loss. */
const TIMEOUT_PREFIX = 'timeout:';

/** Failures retried once on another site: the socket's, or the programmer's link. */
const RETRYABLE = new Set([...SOCKET_FAILURES, 'link-lost', 'timeout']);

/** Runs a lot to its end on the farm's usable sites, one wave at a time, recording every attempt as it finishes. */
export function runLot(db: Db, runner: WaveRunner, opts: RunLotOptions): Promise<RunSummary> {
  return new LotRun(db, runner, opts).run();
}

/** The state of one run: the farm's sites, the device queue, and what this run finished so far. */
class LotRun {
  private readonly t0 = Date.now();
  private readonly sites: FarmSite[];
  private readonly queue: DeviceQueue;
  private readonly serials: SerialBook | null;
  private readonly recorder: Recorder;
  private readonly writes = new GuardedWrites();
  private readonly watch: SiteWatch;
  private readonly waves = new PQueue({ concurrency: 1 });
  private readonly losses = new Map<string, number>();
  private readonly out = new Set<string>();
  private readonly unrecorded: string[] = [];
  private attempts = 0;
  private finished = 0;
  private passed = 0;
  private wave = 0;
  private waveStarted = 0;

  constructor(private readonly db: Db, private readonly runner: WaveRunner, private readonly opts: RunLotOptions) {
    this.sites = farmSites(db, opts.chip);
    this.queue = new DeviceQueue(db, opts.lot);
    this.serials = opts.serial ? new SerialBook(db, opts.lot, opts.serial) : null;
    this.recorder = new Recorder(db, this.serials);
    this.watch = new SiteWatch(db, this.sites, opts.siteFailLimit ?? 3, this.alarm, this.writes);
  }

  private readonly alarm = (code: string, message: string, s?: FarmSite): void => {
    this.writes.run(() => this.recorder.event({ lot: this.opts.lot, kind: 'alarm', code, message, programmerId: s?.programmerId, site: s?.site, adapterId: s?.adapterId }));
    this.opts.listener({ type: 'alarm', at: now(), code, message, programmer: s?.programmer, site: s?.site, adapter: s?.adapter ?? undefined });
  };

  private usable(s: FarmSite): boolean {
    return !this.out.has(s.programmer) && siteUnusable(s) === null;
  }

  async run(): Promise<RunSummary> {
    const { db, opts } = this;
    this.writes.run(() => db.prepare(`UPDATE lots SET status = 'running' WHERE id = ?`).run(opts.lot));
    const c0 = lotCounters(db, opts.lot);
    const programmers = new Set(this.sites.map((s) => s.programmer)).size;
    opts.listener({ type: 'run-start', at: now(), lot: opts.lot, job: c0.job, chip: c0.chip, programmers, sites: this.sites.filter((s) => this.usable(s)).length, remaining: c0.remaining, images: (opts.imageChecks ?? []).map((c) => ({ path: c.path, by: c.by, ms: Math.round(c.ms) })) });
    const end = await this.loop(c0);
    const c = lotCounters(db, opts.lot);
    this.writes.run(() => db.prepare('UPDATE lots SET status = ? WHERE id = ?').run(c.remaining === 0 ? 'done' : 'stopped', opts.lot));
    const seconds = (Date.now() - this.t0) / 1000;
    opts.listener({ type: 'lot-done', at: now(), end, planned: c.planned, passed: c.passed, failed: c.failed, remaining: c.remaining, yield: c.yield, seconds });
    // No wave started: say that no device was programmed, not that a cycle was in flight.
    const error = this.writes.failure ? (this.waveStarted === 0 ? dbWriteFailedAtStart(this.writes.failure) : dbWriteFailed(this.writes.failure, this.unrecorded)) : undefined;
    return { end, error, passed: c.passed, failed: c.failed, remaining: c.remaining, attempts: this.attempts, seconds };
  }

  /** Runs waves until the lot is done, stopped, out of sites, below its yield limit, or the database fails. */
  private async loop(c0: { planned: number; passed: number; failed: number }): Promise<RunEnd> {
    const { opts } = this;
    for (;;) {
      if (opts.signal?.aborted) return 'interrupted';
      if (this.writes.failure) return 'db-error'; // a refused write (e.g. the run's first) starts no cycle it cannot record
      if (this.queue.empty) return 'done';
      const live = this.sites.filter((s) => this.usable(s));
      if (live.length === 0) {
        this.alarm('no-sites', 'no usable site is left for this lot (all disabled, worn out or without a fitting adapter)');
        return 'no-sites';
      }
      const placed = placeDevices(live, this.queue);
      if (placed.size === 0) return 'done';
      this.wave++;
      const serialOf = this.reserveSerials(placed);
      if (!serialOf) return 'db-error';
      const outcomes = await this.runWave(placed, serialOf);
      for (const [prog, list] of placed) await this.settle(prog, list, outcomes.get(prog) ?? { lost: 'no result from the programmer' }, serialOf);
      if (this.writes.failure) {
        opts.listener({ type: 'alarm', at: now(), code: 'db-write-failed', message: dbWriteFailed(this.writes.failure, this.unrecorded).message });
        return 'db-error';
      }
      const passed = c0.passed + this.passed;
      const failed = c0.failed + this.finished - this.passed;
      const remaining = c0.planned - passed - failed;
      const rate = (this.finished / Math.max(0.001, (Date.now() - this.t0) / 1000)) * 3600;
      opts.listener({ type: 'lot-progress', at: now(), planned: c0.planned, passed, failed, remaining, devicesPerHour: Math.round(rate), etaSeconds: rate > 0 ? Math.round((remaining / rate) * 3600) : null });
      const y = passed / Math.max(1, passed + failed);
      if (opts.stopYield !== undefined && this.finished >= (opts.stopYieldAfter ?? 50) && y < opts.stopYield) {
        this.alarm('yield-stop', `lot yield ${(y * 100).toFixed(1)}% fell below the stop limit ${(opts.stopYield * 100).toFixed(1)}%`);
        return 'yield-stop';
      }
    }
  }

  /** Reserves the wave's serial numbers in one transaction; undefined (devices put back) when the DB refuses. */
  private reserveSerials(placed: Map<string, Placed[]>): Map<unknown, string> | undefined {
    const all = [...placed.values()].flat();
    let serialOf = new Map<unknown, string>();
    const serials = this.serials;
    if (serials && !this.writes.run(() => (serialOf = this.db.transaction(() => serials.reserve(all.map((p) => p.device.ref)))()))) {
      this.queue.requeue(all.map((p) => p.device));
      return undefined;
    }
    return serialOf;
  }

  /** Starts every programmer's cycle and waits for the wave under the watchdog of the wave queue. */
  private async runWave(placed: Map<string, Placed[]>, serialOf: Map<unknown, string>): Promise<Map<string, WaveOutcome>> {
    const { opts } = this;
    const cycles = new Map<string, CycleRequest>();
    const at = opts.serial?.offset ?? null;
    for (const [prog, list] of placed) {
      const serials: SerialWrite[] =
        at === null ? [] : list.map((p) => ({ site: p.site.site, offset: at, bytes: Buffer.from(serialOf.get(p.device.ref) as string, 'ascii') }));
      cycles.set(prog, { insertions: list.map((p) => ({ site: p.site.site, device: `${p.device.ref.lot}/${p.device.ref.reel}/${p.device.ref.seq}` })), serials });
      opts.listener({
        type: 'cycle-start',
        at: now(),
        wave: this.wave,
        programmer: prog,
        devices: list.map((p) => ({ site: p.site.site, device: p.device.ref, attempt: p.device.attempt, serial: serialOf.get(p.device.ref) ?? null })),
      });
    }
    // One wave at a time, under a watchdog: a wave past its time budget is given up, and the programmers still in it
    // end as lost with a timeout (their devices fail `timeout` and are retried elsewhere).
    const timeout = opts.cycleTimeoutMs ?? 3_600_000;
    this.waveStarted = Date.now();
    const inflight = this.runner.runWave(cycles, (p) => opts.listener({ type: 'site-progress', ...p }));
    try {
      return await this.waves.add(() => inflight, { timeout });
    } catch (e) {
      if (!(e instanceof TimeoutError)) throw e;
      const stuck = this.runner.abortWave(`${TIMEOUT_PREFIX} the cycle ran longer than ${Math.round(timeout / 1000)} s`);
      this.alarm('cycle-timeout', `wave ${this.wave}: ${stuck.join(', ')} did not finish in time; their devices fail with timeout`);
      return inflight;
    }
  }

  /** Records one programmer's results: an attempt per device (and the device when final), retries, site health. */
  private async settle(prog: string, list: Placed[], o: WaveOutcome, serialOf: Map<unknown, string>): Promise<void> {
    if ('lost' in o) {
      const n = (this.losses.get(prog) ?? 0) + 1;
      const limit = this.opts.programmerLossLimit ?? 2;
      this.losses.set(prog, n);
      this.alarm('programmer-lost', `${prog}: ${o.lost}${n >= limit ? '; taken out of the run' : '; restarting it'}`);
      if (n >= limit) this.out.add(prog);
      else await this.runner.restart(prog);
    } else this.losses.set(prog, 0);
    const wallEnd = Date.now();
    // A lost programmer reports no times: its devices' attempts span the wave.
    for (const p of list) {
      const r = 'lost' in o ? undefined : o.results.find((x) => x.site === p.site.site);
      const why = 'lost' in o ? o.lost : 'site missing from the result';
      const failure = r ? r.failure : { code: why.startsWith(TIMEOUT_PREFIX) ? ('timeout' as const) : ('link-lost' as const), stage: 'program' as const, message: why };
      const code = failure?.code ?? null;
      const retry = code !== null && RETRYABLE.has(code) && p.device.attempt === 1;
      const rec: AttemptRecord = {
        device: p.device.ref,
        attempt: p.device.attempt,
        programmerId: p.site.programmerId,
        site: p.site.site,
        adapterId: p.site.adapterId,
        startedAt: new Date(r?.startedAt ?? this.waveStarted).toISOString(),
        endedAt: new Date(r?.endedAt ?? wallEnd).toISOString(),
        failureCode: code,
        stage: failure?.stage ?? null,
        badBlocks: r?.badBlocks ?? 0,
        serial: serialOf.get(p.device.ref) ?? null,
        final: !retry,
      };
      if (!this.writes.run(() => this.recorder.record(rec))) {
        this.unrecorded.push(`${p.device.ref.reel}/${p.device.ref.seq}`);
        continue;
      }
      this.attempts++;
      if (code === null) this.passed++;
      if (!retry) this.finished++;
      else this.queue.retry({ ref: p.device.ref, attempt: p.device.attempt + 1, avoid: siteKey(p.site) });
      this.opts.listener({
        type: 'device-result',
        at: rec.endedAt,
        device: p.device.ref,
        programmer: prog,
        site: p.site.site,
        adapter: p.site.adapter,
        attempt: p.device.attempt,
        result: code === null ? 'pass' : 'fail',
        failureCode: code,
        stage: failure?.stage ?? null,
        final: rec.final,
        serial: rec.serial,
        badBlocks: rec.badBlocks,
        ms: Date.parse(rec.endedAt) - Date.parse(rec.startedAt),
      });
      this.watch.note(p.site, code);
    }
  }
}
