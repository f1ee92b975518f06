import type { Db } from '../db/open.js';
import type { Chip } from '../catalog/chip.js';
import type { SerialWrite } from '../programmers/driver.js';
import { lotCounters } from '../lots/counters.js';
import { DeviceQueue, SOCKET_FAILURES } from './device-queue.js';
import { siteUnusable, type FarmSite } from './farm-sites.js';
import { issueWrites, SerialExhausted, UNTOUCHED_STAGES, type Issue, type SerialLedger } from '../serials/ledger.js';
import { closeInterrupted, Recorder, type AttemptRecord } from './recorder.js';
import { leaseLostError, type Fence } from './fence.js';
import { now, type RunEnd, type RunListener } from './events.js';
import type { CycleRequest, WaveRunner } from './wave-runner.js';
import { linkLost, type ProgrammerOutcome } from '../programmers/site-result.js';
import { dbWriteFailed, dbWriteFailedAtStart } from './db-write.js';
import { GuardedWrites } from './guarded-writes.js';
import { placeDevices, siteKey, type Placed } from './placement.js';
import { SiteWatch } from './site-watch.js';
import { MesWriter } from '../mes/outbox-writer.js';
import { yieldOf } from '../stats/yield-of.js';
import { atomically } from '../store/atomic.js';
import { setLotStatus } from '../store/lots.js';
import type { WorkSupply } from './work-supply.js';

/** Options of one run of a lot. */
export interface RunLotOptions {
  lot: string;
  chip: Chip;
  /** Every site of the farm as seen for the lot's chip (farm-sites.ts); the run updates their health and wear. */
  sites: FarmSite[];
  /** The ledger of the job's serial rule, or null when the job writes none. */
  serial: SerialLedger | null;
  /** The `runs` row this run's insertions belong to. @default null */
  runId?: number | null;
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
  /** Where reels and serial values come from when a hub leases them to this station. @default undefined (no hub) */
  supply?: WorkSupply;
  /** The run's programmer leases: every attempt is written with their epoch, and a lost one stops the run at once. */
  fence: Fence;
  /** Receives every event of the run. */
  listener: RunListener;
}

/** How a run ended and the lot's counters at the end. */
export interface RunSummary {
  end: RunEnd;
  /** Set when end is 'db-error' (what failed, which devices were not recorded) or 'lease-lost'. */
  error?: Error;
  passed: number;
  failed: number;
  remaining: number;
  attempts: number;
  seconds: number;
}

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
  /** Each site's adapter wear when the run started (insertions / rated life), given to the drivers with every insertion. */
  private readonly wear: Map<string, number>;
  private queue: DeviceQueue;
  private readonly serials: SerialLedger | null;
  private readonly recorder: Recorder;
  private readonly mes: MesWriter | null;
  private readonly writes = new GuardedWrites();
  private readonly watch: SiteWatch;
  private readonly losses = new Map<string, number>();
  private readonly out = new Set<string>();
  private readonly unrecorded: string[] = [];
  private attempts = 0;
  private finished = 0;
  private passed = 0;
  private wave = 0;
  private waveStarted = 0;

  constructor(private readonly db: Db, private readonly runner: WaveRunner, private readonly opts: RunLotOptions) {
    this.sites = opts.sites;
    this.wear = new Map(this.sites.map((s) => [siteKey(s), s.ratedInsertions ? s.insertions / s.ratedInsertions : 0]));
    // Insertions a run before this one left in the sockets are closed first: they count as insertions, not yield.
    this.writes.run(() => closeInterrupted(db, opts.lot, [...opts.fence.epochs.keys()]));
    this.queue = this.derive();
    this.serials = opts.serial;
    this.mes = MesWriter.forLot(db, opts.lot, this.sites, opts.runId ?? null);
    this.recorder = new Recorder(db, this.serials, this.mes);
    this.watch = new SiteWatch(db, this.sites, opts.siteFailLimit ?? 3, this.alarm, this.writes);
  }

  /** Records and announces an alarm about a site, a whole programmer (`{programmer, programmerId}`), or the lot. */
  private readonly alarm = (code: string, message: string, s?: FarmSite | Pick<FarmSite, 'programmer' | 'programmerId'>): void => {
    const site = s && 'site' in s ? s : undefined;
    this.writes.run(() => this.recorder.event({ lot: this.opts.lot, kind: 'alarm', code, message, programmerId: s?.programmerId, site: site?.site, adapterId: site?.adapterId }));
    this.opts.listener({ type: 'alarm', at: now(), code, message, programmer: s?.programmer, site: site?.site, adapter: site?.adapter ?? undefined });
  };

  private usable(s: FarmSite): boolean {
    return !this.out.has(s.programmer) && siteUnusable(s) === null;
  }

  async run(): Promise<RunSummary> {
    const { db, opts } = this;
    this.writes.run(() => setLotStatus(db, opts.lot, 'running'));
    const serials = this.serials;
    if (serials) this.writes.run(() => atomically(db, () => serials.recover(opts.lot, now())));
    const c0 = lotCounters(db, opts.lot);
    const mes = this.mes;
    if (mes) this.writes.run(() => atomically(db, () => mes.runStarted(now(), c0.remaining)));
    const programmers = new Set(this.sites.map((s) => s.programmer)).size;
    opts.listener({ type: 'run-start', at: now(), lot: opts.lot, job: c0.job, chip: c0.chip, programmers, sites: this.sites.filter((s) => this.usable(s)).length, remaining: c0.remaining, images: (opts.imageChecks ?? []).map((c) => ({ path: c.path, by: c.by, ms: Math.round(c.ms) })) });
    let end = await this.loop(c0);
    const c = lotCounters(db, opts.lot);
    if (end === 'done' && c.remaining > 0 && !opts.supply) {
      // Only retries that may not go back to the one site left: never reported as done.
      this.alarm('no-sites', `${c.remaining} device(s) remain that no usable site may take (a retry never returns to the site it failed on)`);
      end = 'no-sites';
    }
    // A run that lost its lease writes nothing more, not even the lot's status: the lot is the new holder's.
    if (end !== 'lease-lost')
      this.writes.run(() =>
        atomically(db, () => {
          setLotStatus(db, opts.lot, c.remaining === 0 ? 'done' : 'stopped');
          mes?.runEnded(now(), end, c.remaining === 0, this.finished);
        }),
      );
    const seconds = (Date.now() - this.t0) / 1000;
    // Whichever write was refused (a wave's start, a record, the lease's heartbeat), the operator hears it once.
    if (end === 'db-error' && this.writes.failure) {
      const e = this.waveStarted === 0 ? dbWriteFailedAtStart(this.writes.failure) : dbWriteFailed(this.writes.failure, this.unrecorded);
      opts.listener({ type: 'alarm', at: now(), code: 'db-write-failed', message: e.message });
    }
    opts.listener({ type: 'lot-done', at: now(), end, planned: c.planned, passed: c.passed, failed: c.failed, remaining: c.remaining, yield: c.yield, seconds });
    // No wave started: say that no device was programmed, not that a cycle was in flight.
    const error =
      end === 'lease-lost'
        ? leaseLostError(opts.fence.lost ?? (this.writes.failure as Error))
        : this.writes.failure
          ? this.waveStarted === 0
            ? dbWriteFailedAtStart(this.writes.failure)
            : dbWriteFailed(this.writes.failure, this.unrecorded)
          : undefined;
    return { end, error, passed: c.passed, failed: c.failed, remaining: c.remaining, attempts: this.attempts, seconds };
  }

  /** Runs waves until the lot is done, stopped, out of sites, below its yield limit, or the database fails. */
  private async loop(c0: { planned: number; passed: number; failed: number }): Promise<RunEnd> {
    const { opts } = this;
    for (;;) {
      if (this.leaseGone()) return 'lease-lost';
      if (opts.signal?.aborted) return 'interrupted';
      if (this.writes.failure) return 'db-error'; // a refused write (e.g. the run's first) starts no cycle it cannot record
      if (opts.supply?.changed()) this.queue = this.derive();
      if (this.queue.empty && !this.reload()) {
        if (!opts.supply) return 'done';
        if (!(await opts.supply.more())) return 'out-of-work';
        this.queue = this.derive();
        continue;
      }
      const live = this.sites.filter((s) => this.usable(s));
      if (live.length === 0) {
        this.alarm('no-sites', 'no usable site is left for this lot (all disabled, worn out or without a fitting adapter)');
        return 'no-sites';
      }
      const placed = placeDevices(live, this.queue);
      if (placed.size === 0) return 'done';
      this.wave++;
      const started = await this.startCycles(placed);
      if (started instanceof SerialExhausted) {
        this.alarm(started.code, started.message);
        return 'serial-exhausted';
      }
      if (!started) return this.writes.leaseLost ? 'lease-lost' : 'db-error';
      const { serialOf, ids } = started;
      let outcomes: Map<string, ProgrammerOutcome>;
      try {
        outcomes = await this.runWave(placed, serialOf);
      } catch (e) {
        // A wave that ended without results (an image changed under it): its insertions are closed as interrupted.
        if (!this.writes.leaseLost) this.writes.run(() => this.recorder.interrupt([...ids.values()]));
        throw e;
      }
      // Paused past its heartbeat and taken over meanwhile: nothing of this wave is recorded (the database would refuse it).
      if (this.leaseGone()) return 'lease-lost';
      for (const [prog, list] of placed) await this.settle(prog, list, outcomes.get(prog) ?? { lost: linkLost('no result from the programmer') }, serialOf, ids);
      if (this.writes.leaseLost) return 'lease-lost';
      if (this.writes.failure) return 'db-error';
      const passed = c0.passed + this.passed;
      const failed = c0.failed + this.finished - this.passed;
      const remaining = c0.planned - passed - failed;
      const rate = (this.finished / Math.max(0.001, (Date.now() - this.t0) / 1000)) * 3600;
      opts.listener({ type: 'lot-progress', at: now(), planned: c0.planned, passed, failed, remaining, devicesPerHour: Math.round(rate), etaSeconds: rate > 0 ? Math.round((remaining / rate) * 3600) : null });
      const y = yieldOf({ passed, failed }) ?? 0;
      // The limit is the lot's: devices finished by earlier runs count too, so a resumed lot below it stops at once.
      if (opts.stopYield !== undefined && passed + failed >= (opts.stopYieldAfter ?? 50) && y < opts.stopYield) {
        this.alarm('yield-stop', `lot yield ${(y * 100).toFixed(1)}% fell below the stop limit ${(opts.stopYield * 100).toFixed(1)}%`);
        return 'yield-stop';
      }
    }
  }

  /** True once the run lost a programmer's lease (noticed by a heartbeat, a check, or a refused write); stops all writes. */
  private leaseGone(): boolean {
    const { fence } = this.opts;
    if (!this.writes.leaseLost && (fence.lost || !fence.check())) this.writes.stop(fence.lost ?? new Error('lease lost'));
    return this.writes.leaseLost;
  }

  /** The device queue from the database, with what the hub says an earlier holder of a held reel left behind. */
  private derive(): DeviceQueue {
    return new DeviceQueue(this.db, this.opts.lot, this.opts.supply?.leftBehind() ?? []);
  }

  /** When the queue ran dry but the lot still has devices (a reel imported while it ran), derives the queue again. */
  private reload(): boolean {
    if (lotCounters(this.db, this.opts.lot).remaining === 0) return false;
    this.queue = this.derive();
    return !this.queue.empty;
  }

  /**
   * One transaction as the devices enter their sockets: gives every device its serial value from the rule's ledger
   * and writes their 'in-socket' attempts under the programmers' lease epochs. Undefined (devices put back) when the
   * database refuses; the rule's exhaustion (devices put back, the lot stops before them) when it has no value left.
   * A rule running dry programs the devices it still has values for; the rest go back and the lot stops after.
   */
  private async startCycles(placed: Map<string, Placed[]>): Promise<{ serialOf: Map<unknown, Issue>; ids: Map<Placed, number> } | SerialExhausted | undefined> {
    const serials = this.serials;
    await this.opts.supply?.beforeWave([...placed.values()].flat().length);
    if (serials) {
      await serials.prefetch([...placed.values()].flat().length);
      let room = serials.available([...placed.values()].flat().length);
      if (room === 0) {
        this.queue.requeue([...placed.values()].flat().map((p) => p.device));
        return serials.dry();
      }
      for (const [prog, list] of placed) {
        const keep = list.slice(0, room);
        this.queue.requeue(list.slice(keep.length).map((p) => p.device));
        room -= keep.length;
        if (keep.length === 0) placed.delete(prog);
        else placed.set(prog, keep);
      }
    }
    const all = [...placed.values()].flat();
    const serialOf = new Map<unknown, Issue>();
    const ids = new Map<Placed, number>();
    const at = new Date().toISOString();
    let ok: boolean;
    try {
      ok = this.writes.run(() =>
        atomically(this.db, () => {
          if (serials) {
            const issues = serials.allocate(all.map((p) => ({ ...p.device.ref, attempt: p.device.attempt })), at);
            all.forEach((p, i) => serialOf.set(p.device.ref, issues[i]));
          }
          const rows = this.recorder.open(
            all.map((p) => ({
              device: p.device.ref,
              attempt: p.device.attempt,
              programmerId: p.site.programmerId,
              site: p.site.site,
              adapterId: p.site.adapterId,
              startedAt: at,
              serial: serialOf.get(p.device.ref)?.value ?? null,
              epoch: this.opts.fence.epochs.get(p.site.programmerId) ?? -1,
              runId: this.opts.runId ?? null,
            })),
          );
          all.forEach((p, i) => ids.set(p, rows[i]));
        }),
      );
    } catch (e) {
      // The whole wave's transaction rolled back: no value is held by a device that will not be programmed.
      if (!(e instanceof SerialExhausted)) throw e;
      this.queue.requeue(all.map((p) => p.device));
      return e;
    }
    if (!ok) {
      this.queue.requeue(all.map((p) => p.device));
      return undefined;
    }
    serials?.committed();
    return { serialOf, ids };
  }

  /** Starts every programmer's cycle and waits for the wave under the watchdog of the wave queue. */
  private async runWave(placed: Map<string, Placed[]>, serialOf: Map<unknown, Issue>): Promise<Map<string, ProgrammerOutcome>> {
    const { opts } = this;
    const cycles = new Map<string, CycleRequest>();
    for (const [prog, list] of placed) {
      const serials: SerialWrite[] = list.flatMap((p) => {
        const issue = serialOf.get(p.device.ref);
        return issue ? issueWrites(issue).map((w) => ({ site: p.site.site, offset: w.offset, bytes: w.bytes })) : [];
      });
      cycles.set(prog, { insertions: list.map((p) => ({ site: p.site.site, device: `${p.device.ref.lot}/${p.device.ref.reel}/${p.device.ref.seq}`, wear: this.wear.get(siteKey(p.site)) })), serials });
      opts.listener({
        type: 'cycle-start',
        at: now(),
        wave: this.wave,
        programmer: prog,
        devices: list.map((p) => ({ site: p.site.site, device: p.device.ref, attempt: p.device.attempt, serial: serialOf.get(p.device.ref)?.value ?? null })),
      });
    }
    // One wave at a time (the loop awaits it), under a watchdog: a wave past its time budget is given up, and the
    // programmers still in it end as lost with a timeout (their devices fail `timeout` and are retried elsewhere).
    const timeout = opts.cycleTimeoutMs ?? 3_600_000;
    this.waveStarted = Date.now();
    const inflight = this.runner.runWave(cycles, (p) => opts.listener({ type: 'site-progress', ...p }));
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => (timer = setTimeout(() => resolve('expired'), timeout)));
    try {
      const first = await Promise.race([inflight, expired]);
      if (first !== 'expired') return first;
      const stuck = this.runner.abortWave({ code: 'timeout', message: `the cycle ran longer than ${Math.round(timeout / 1000)} s` });
      this.alarm('cycle-timeout', `wave ${this.wave}: ${stuck.join(', ')} did not finish in time; their devices fail with timeout`);
      return await inflight;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Records one programmer's results: an attempt per device (and the device when final), retries, site health. */
  private async settle(prog: string, list: Placed[], o: ProgrammerOutcome, serialOf: Map<unknown, Issue>, ids: Map<Placed, number>): Promise<void> {
    if ('lost' in o) {
      const n = (this.losses.get(prog) ?? 0) + 1;
      const limit = this.opts.programmerLossLimit ?? 2;
      this.losses.set(prog, n);
      const who = this.sites.find((s) => s.programmer === prog);
      this.alarm('programmer-lost', `${prog}: ${o.lost.code === 'timeout' ? 'timeout: ' : ''}${o.lost.message}${n >= limit ? '; taken out of the run' : '; restarting it'}`, who && { programmer: who.programmer, programmerId: who.programmerId });
      if (n >= limit) this.out.add(prog);
      else await this.runner.restart(prog);
    } else this.losses.set(prog, 0);
    const wallEnd = Date.now();
    // A lost programmer reports no times: its devices' attempts span the wave.
    for (const p of list) {
      const r = 'lost' in o ? undefined : o.results.find((x) => x.site === p.site.site);
      const loss = 'lost' in o ? o.lost : linkLost('site missing from the result');
      const failure = r ? r.failure : { code: loss.code, stage: 'program' as const, message: loss.message };
      const code = failure?.code ?? null;
      const retry = code !== null && RETRYABLE.has(code) && (p.device.failures ?? 0) === 0;
      const rec: AttemptRecord = {
        id: ids.get(p) as number,
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
        serial: serialOf.get(p.device.ref)?.value ?? null,
        final: !retry,
      };
      const issue = serialOf.get(p.device.ref);
      if (issue) {
        const stage = failure?.stage ?? null;
        rec.serialIssue = { issue, outcome: { passed: code === null, regionTouched: stage === null || !UNTOUCHED_STAGES.has(stage), attempt: p.device.attempt, reason: code, retry } };
      }
      // Each result is committed in its own transaction (src/scheduler/recorder.ts), then announced.
      if (!this.writes.run(() => this.recorder.record(rec))) {
        this.unrecorded.push(`${p.device.ref.reel}/${p.device.ref.seq}`);
        continue;
      }
      this.attempts++;
      if (code === null) this.passed++;
      if (!retry) this.finished++;
      else this.queue.retry({ ref: p.device.ref, attempt: p.device.attempt + 1, failures: (p.device.failures ?? 0) + 1, avoid: siteKey(p.site) });
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
