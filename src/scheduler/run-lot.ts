import PQueue, { TimeoutError } from 'p-queue';
import type { Db } from '../db/open.js';
import type { Chip } from '../catalog/chip.js';
import type { Insertion, SerialWrite } from '../programmers/driver.js';
import { lotCounters } from '../lots/counters.js';
import { DeviceQueue, SOCKET_FAILURES, type QueuedDevice } from './device-queue.js';
import { farmSites, siteUnusable, type FarmSite } from './farm-sites.js';
import { SiteHealth } from './site-health.js';
import { SerialBook } from './serials.js';
import type { SerialRule } from '../jobs/serial.js';
import { Recorder } from './recorder.js';
import { now, type RunEnd, type RunListener } from './events.js';
import type { CycleRequest, WaveRunner } from './wave-runner.js';
import { dbWriteFailed, isDbWriteFailure } from './db-write.js';

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
export async function runLot(db: Db, runner: WaveRunner, opts: RunLotOptions): Promise<RunSummary> {
  const t0 = Date.now();
  const emit = opts.listener;
  const limit = opts.siteFailLimit ?? 3;
  const sites = farmSites(db, opts.chip);
  const byKey = new Map(sites.map((s) => [`${s.programmerId}:${s.site}`, s]));
  const programmers = [...new Set(sites.map((s) => s.programmer))];
  const health = new SiteHealth(db, [...new Set(sites.map((s) => s.programmerId))]);
  const queue = new DeviceQueue(db, opts.lot);
  const serials = opts.serial ? new SerialBook(db, opts.lot, opts.serial) : null;
  const recorder = new Recorder(db, serials);
  const losses = new Map<string, number>();
  const out = new Set<string>();
  let attempts = 0;
  let finishedThisRun = 0;
  let passedThisRun = 0;
  let wave = 0;
  const waves = new PQueue({ concurrency: 1 });

  let dbFailure: Error | undefined;
  const unrecorded: string[] = [];
  /** Runs a database write; a write failure is noted (the run stops after this wave), anything else is thrown. */
  const write = (fn: () => void): boolean => {
    if (dbFailure) return false;
    try {
      fn();
      return true;
    } catch (e) {
      if (!isDbWriteFailure(e)) throw e;
      dbFailure = e as Error;
      return false;
    }
  };
  const alarm = (code: string, message: string, s?: FarmSite) => {
    write(() => recorder.event({ lot: opts.lot, kind: 'alarm', code, message, programmerId: s?.programmerId, site: s?.site, adapterId: s?.adapterId }));
    emit({ type: 'alarm', at: now(), code, message, programmer: s?.programmer, site: s?.site, adapter: s?.adapter ?? undefined });
  };
  const usable = (s: FarmSite) => !out.has(s.programmer) && siteUnusable(s) === null;
  for (const s of sites) {
    const why = siteUnusable(s);
    if (why && s.adapterId !== null && s.ratedInsertions !== null && s.insertions >= s.ratedInsertions) alarm('adapter-life', `${s.programmer} site ${s.site}: ${why}`, s);
  }

  let end: RunEnd = 'done';
  write(() => db.prepare(`UPDATE lots SET status = 'running' WHERE id = ?`).run(opts.lot));
  const c0 = lotCounters(db, opts.lot);
  emit({ type: 'run-start', at: now(), lot: opts.lot, job: c0.job, chip: c0.chip, programmers: programmers.length, sites: sites.filter(usable).length, remaining: c0.remaining });

  while (true) {
    if (opts.signal?.aborted) {
      end = 'interrupted';
      break;
    }
    const live = sites.filter(usable);
    if (queue.empty) break;
    if (live.length === 0) {
      end = 'no-sites';
      alarm('no-sites', 'no usable site is left for this lot (all disabled, worn out or without a fitting adapter)');
      break;
    }
    // Place devices: every usable site of every programmer takes the next device allowed there.
    const placed = new Map<string, { site: FarmSite; device: QueuedDevice }[]>();
    const alone = live.length === 1;
    for (const s of live) {
      const key = `${s.programmerId}:${s.site}`;
      const d = queue.take(alone ? '' : key);
      if (!d) continue;
      const list = placed.get(s.programmer) ?? [];
      list.push({ site: s, device: d });
      placed.set(s.programmer, list);
    }
    if (placed.size === 0) break;
    wave++;
    const all = [...placed.values()].flat();
    let serialOf = new Map<unknown, string>();
    if (serials && !write(() => (serialOf = db.transaction(() => serials.reserve(all.map((p) => p.device.ref)))()))) {
      queue.requeue(all.map((p) => p.device));
      end = 'db-error';
      break;
    }
    const cycles = new Map<string, CycleRequest>();
    for (const [prog, list] of placed) {
      const insertions: Insertion[] = list.map((p) => ({ site: p.site.site, device: `${p.device.ref.lot}/${p.device.ref.reel}/${p.device.ref.seq}` }));
      const at = opts.serial?.offset ?? null;
      const serialWrites: SerialWrite[] =
        at === null ? [] : list.map((p) => ({ site: p.site.site, offset: at, bytes: Buffer.from(serialOf.get(p.device.ref) as string, 'ascii') }));
      cycles.set(prog, { insertions, serials: serialWrites });
      emit({
        type: 'cycle-start',
        at: now(),
        wave,
        programmer: prog,
        devices: list.map((p) => ({ site: p.site.site, device: p.device.ref, attempt: p.device.attempt, serial: serialOf.get(p.device.ref) ?? null })),
      });
    }
    const started = Date.now();
    // The wave queue runs one wave at a time under a watchdog: a wave past its time budget is given up, and the
    // programmers still in it end as lost with a timeout (their devices fail `timeout` and are retried elsewhere).
    const inflight = runner.runWave(cycles, (p) => emit({ type: 'site-progress', ...p }));
    let outcomes: Awaited<typeof inflight>;
    try {
      outcomes = await waves.add(() => inflight, { timeout: opts.cycleTimeoutMs ?? 3_600_000 });
    } catch (e) {
      if (!(e instanceof TimeoutError)) throw e;
      const stuck = runner.abortWave(`${TIMEOUT_PREFIX} the cycle ran longer than ${Math.round((opts.cycleTimeoutMs ?? 3_600_000) / 1000)} s`);
      alarm('cycle-timeout', `wave ${wave}: ${stuck.join(', ')} did not finish in time; their devices fail with timeout`);
      outcomes = await inflight;
    }
    for (const [prog, list] of placed) {
      const o = outcomes.get(prog) ?? { lost: 'no result from the programmer' };
      if ('lost' in o) {
        const n = (losses.get(prog) ?? 0) + 1;
        losses.set(prog, n);
        alarm('programmer-lost', `${prog}: ${o.lost}${n >= (opts.programmerLossLimit ?? 2) ? '; taken out of the run' : '; restarting it'}`);
        if (n >= (opts.programmerLossLimit ?? 2)) out.add(prog);
        else await runner.restart(prog);
      } else losses.set(prog, 0);
      for (const p of list) {
        const r = 'lost' in o ? undefined : o.results.find((x) => x.site === p.site.site);
        const lostWhy = 'lost' in o ? o.lost : 'site missing from result';
        const failure = r ? r.failure : { code: lostWhy.startsWith(TIMEOUT_PREFIX) ? ('timeout' as const) : ('link-lost' as const), stage: 'program' as const, message: lostWhy };
        const code = failure?.code ?? null;
        const retry = code !== null && RETRYABLE.has(code) && p.device.attempt === 1;
        const key = `${p.site.programmerId}:${p.site.site}`;
        const serial = (serialOf.get(p.device.ref) as string | undefined) ?? null;
        const rec = {
          device: p.device.ref,
          attempt: p.device.attempt,
          programmerId: p.site.programmerId,
          site: p.site.site,
          adapterId: p.site.adapterId,
          startedAt: new Date(r?.startedAt ?? started).toISOString(),
          endedAt: new Date(r?.endedAt ?? Date.now()).toISOString(),
          failureCode: code,
          stage: failure?.stage ?? null,
          badBlocks: r?.badBlocks ?? 0,
          serial,
          final: !retry,
        };
        if (!write(() => recorder.record(rec))) {
          unrecorded.push(`${p.device.ref.reel}/${p.device.ref.seq}`);
          continue;
        }
        attempts++;
        if (code === null) passedThisRun++;
        if (!retry) finishedThisRun++;
        else queue.retry({ ref: p.device.ref, attempt: p.device.attempt + 1, avoid: key });
        emit({
          type: 'device-result',
          at: rec.endedAt,
          device: p.device.ref,
          programmer: prog,
          site: p.site.site,
          adapter: p.site.adapter,
          attempt: p.device.attempt,
          result: code === null ? 'pass' : 'fail',
          failureCode: code,
          stage: rec.stage as never,
          final: rec.final,
          serial,
          badBlocks: rec.badBlocks,
          ms: Date.parse(rec.endedAt) - Date.parse(rec.startedAt),
        });
        noteSite(byKey.get(key)!, code);
      }
    }
    if (dbFailure) {
      end = 'db-error';
      emit({ type: 'alarm', at: now(), code: 'db-write-failed', message: dbWriteFailed(dbFailure, unrecorded).message });
      break;
    }
    const c = { planned: c0.planned, passed: c0.passed + passedThisRun, failed: c0.failed + finishedThisRun - passedThisRun, remaining: 0, yield: 0 };
    c.remaining = c.planned - c.passed - c.failed;
    c.yield = c.passed / Math.max(1, c.passed + c.failed);
    const rate = (finishedThisRun / Math.max(0.001, (Date.now() - t0) / 1000)) * 3600;
    emit({ type: 'lot-progress', at: now(), planned: c.planned, passed: c.passed, failed: c.failed, remaining: c.remaining, devicesPerHour: Math.round(rate), etaSeconds: rate > 0 ? Math.round((c.remaining / rate) * 3600) : null });
    if (opts.stopYield !== undefined && finishedThisRun >= (opts.stopYieldAfter ?? 50) && c.yield < opts.stopYield) {
      alarm('yield-stop', `lot yield ${(c.yield * 100).toFixed(1)}% fell below the stop limit ${(opts.stopYield * 100).toFixed(1)}%`);
      end = 'yield-stop';
      break;
    }
  }

  function noteSite(s: FarmSite, code: string | null): void {
    s.insertions++;
    if (s.ratedInsertions !== null && s.insertions === s.ratedInsertions) {
      alarm('adapter-life', `adapter ${s.adapter} on ${s.programmer} site ${s.site} reached its rated life (${s.ratedInsertions} insertions)${s.overrideLife ? '; in use by operator override' : '; no longer used'}`, s);
    }
    const streak = health.record(`${s.programmerId}:${s.site}`, code);
    if (streak >= limit && s.enabled) {
      s.enabled = false;
      s.disabledReason = `${streak} socket failures in a row`;
      write(() => db.prepare('UPDATE sites SET enabled = 0, disabled_reason = ? WHERE programmer_id = ? AND site = ?').run(s.disabledReason, s.programmerId, s.site));
      alarm('site-disabled', `${s.programmer} site ${s.site} disabled after ${streak} failed devices in a row (last: ${code}); check the socket`, s);
    }
  }

  const c = lotCounters(db, opts.lot);
  write(() => db.prepare('UPDATE lots SET status = ? WHERE id = ?').run(c.remaining === 0 ? 'done' : 'stopped', opts.lot));
  const seconds = (Date.now() - t0) / 1000;
  emit({ type: 'lot-done', at: now(), end, planned: c.planned, passed: c.passed, failed: c.failed, remaining: c.remaining, yield: c.yield, seconds });
  const error = dbFailure ? dbWriteFailed(dbFailure, unrecorded) : undefined;
  return { end, error, passed: c.passed, failed: c.failed, remaining: c.remaining, attempts, seconds };
}
