/**
 * The farm's worker side, seen from the main thread: a piscina pool with one thread per programmer, each running one
 * long-lived session task (workers/programmer-session.ts, the worker side of this pool) that owns the programmer's driver. A wave streams one image
 * once through the shared chunk ring to every programmer that has a cycle in it and collects their results.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { Chip } from '../../catalog/chip.js';
import { fromWire, UsageError } from '../../errors.js';
import { openImage } from '../../images/open.js';
import { linkLost, type ProgrammerLoss, type SiteResult } from '../../programmers/site-result.js';
import type { Stage } from '../../programmers/driver.js';
import type { EmmcPartition } from '../../layout/target.js';
import type { ProgrammerSpec } from '../../programmers/spec.js';
import { checkSpec, specError } from '../../programmers/registry.js';
import { createRing, markConsumerDead, resetRing, touchRing, type RingViews } from '../ring-layout.js';
import { RingWriter, type RingWriteStats } from '../ring-writer.js';
import type { CycleFigures, FromSession, ImageFile, SessionTask, WireCyclePlan } from './messages.js';
import { RING_DEFAULTS } from '../ring-defaults.js';

export type { WireCyclePlan, BootImageFile, ImageFile, CycleFigures } from './messages.js';

/** Ring sizes of a farm session. */
export interface RingOptions {
  /** Slots in the ring (why this many: ring-defaults.ts). @default 32 (RING_DEFAULTS.slots) */
  slots?: number;
  /** Bytes per slot. @default 1048576, 1 MiB (RING_DEFAULTS.chunkSize) */
  chunkSize?: number;
}

/** Options of `FarmSession.start`. */
export interface FarmSessionOptions {
  /** The farm's programmers; each gets its own worker thread for the whole session. */
  programmers: ProgrammerSpec[];
  /** The chip every programmer is opened for. */
  chip: Chip;
  /** Ring sizes, 32 MiB of shared memory whatever the image size. @default RING_DEFAULTS: { slots: 32, chunkSize: 1 MiB } */
  ring?: RingOptions;
  /** Stall ms a slow programmer may cost the farm per wave before it reads the image itself (ring-writer.ts). @default 2000 */
  slowConsumerMs?: number;
  /** Minimum ms between two progress events of one programmer within a stage. @default 100 */
  progressMs?: number;
  /** The session worker each programmer runs in, injected like serialport's mock binding. @default the real one (workers/programmer-session.ts) */
  worker?: SessionWorker;
}

/** A session worker entry point (a module whose default export serves a SessionTask) and the data it reads as piscina's workerData. */
export interface SessionWorker {
  /** The module; a .ts module is loaded through tsx. */
  url: URL;
  /** Cloneable data the worker reads as `Piscina.workerData`. @default undefined */
  data?: unknown;
}

/** Something that happened during a wave, for the scheduler and the live view. */
export type FarmEvent =
  | { type: 'progress'; wave: number; programmer: string; sites: number[]; stage: Stage; partition?: EmmcPartition; bytesDone: number; bytesTotal?: number }
  | { type: 'detached'; wave: number; programmer: string; offset: number }
  | { type: 'cycle-done'; wave: number; programmer: string; results: SiteResult[] }
  | { type: 'lost'; wave: number; programmer: string; loss: ProgrammerLoss };

/** A programmer's outcome of a wave (a ProgrammerOutcome with the worker's figures): its sites' results, or why it gave none. */
export type ProgrammerWaveResult = { results: SiteResult[]; figures: CycleFigures } | { lost: ProgrammerLoss };

/** What one wave cost the host. */
export interface WaveStats {
  wave: number;
  ms: number;
  /** Image bytes read (counted): once by the ring writer, plus what detached programmers read themselves. */
  imageBytesRead: number;
  ring: RingWriteStats;
  /** Bytes detached programmers read from the file themselves. */
  resumedBytes: number;
  /** Programmers detached by the slow-consumer policy. */
  detached: string[];
}

interface Member {
  spec: ProgrammerSpec;
  consumer: number;
  port: MessagePort;
  task: Promise<unknown>;
  abort: AbortController;
  ready: Promise<void>;
  down?: ProgrammerLoss;
  /** Set while a wave waits for this programmer. */
  pending?: { wave: number; sites: number[]; onEvent: (e: FarmEvent) => void; settle: (r: ProgrammerWaveResult) => void };
}

/**
 * Bytes per read of the image file by the ring writer. The read shares libuv's thread pool with the drivers' file
 * writes (blockdev); 4 MiB reads wait in its queue a quarter as often as 1 MiB reads (bench:fanout, blockdev rows).
 */
const READ_BYTES = 4 << 20;

/**
 * V8 young-generation cap of each programmer worker. The workers' garbage is small (extents, progress messages);
 * the default semi-spaces let 8 workers grow ~40 MB more between them (bench:fanout P = 8: peak RSS 350–362 MB
 * with the default, 318–321 MB with 4, same speed within the noise).
 */
const YOUNG_GEN_MB = 4;

/** The real session worker, from source (.ts, under tsx) or from dist/. */
const realWorker: SessionWorker = { url: new URL(`../../../workers/programmer-session.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url) };

/** Piscina's options for loading a session worker. */
function workerFile(w: SessionWorker): { filename: string; execArgv: string[]; workerData: unknown } {
  return { filename: w.url.href, execArgv: w.url.pathname.endsWith('.ts') ? ['--import', 'tsx'] : [], workerData: w.data };
}

/** A running farm: one worker thread and driver per programmer, one chunk ring shared by all of them. */
export class FarmSession {
  private readonly members = new Map<string, Member>();
  private waveNo = 0;
  /** Figures of the last wave, once it ended. */
  lastWave: WaveStats | undefined;

  private constructor(
    private readonly opts: FarmSessionOptions,
    private readonly pool: Piscina,
    private readonly ring: RingViews,
  ) {}

  /** Starts one worker per programmer and opens every driver; a programmer that cannot open is marked lost. */
  static async start(opts: FarmSessionOptions): Promise<FarmSession> {
    const names = new Set<string>();
    for (const p of opts.programmers) {
      if (names.has(p.name)) throw new UsageError('duplicate-programmer', `programmer "${p.name}" is listed twice; give each programmer its own name`);
      names.add(p.name);
    }
    const n = Math.max(1, opts.programmers.length);
    const pool = new Piscina({ ...workerFile(opts.worker ?? realWorker), minThreads: n, maxThreads: n, idleTimeout: 2 ** 31 - 1, concurrentTasksPerWorker: 1, atomics: 'disabled', resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GEN_MB } });
    const ring = createRing({ slots: opts.ring?.slots ?? RING_DEFAULTS.slots, chunkSize: opts.ring?.chunkSize ?? RING_DEFAULTS.chunkSize, consumers: n });
    const session = new FarmSession(opts, pool, ring);
    opts.programmers.forEach((spec, i) => session.launch(spec, i));
    touchRing(ring); // while the workers start: the first wave's reads then land in mapped pages
    await Promise.all([...session.members.values()].map((m) => m.ready));
    return session;
  }

  /** Names of the programmers and why each one is down (undefined when up). */
  status(): Map<string, ProgrammerLoss | undefined> {
    return new Map([...this.members].map(([k, m]) => [k, m.down]));
  }

  private launch(spec: ProgrammerSpec, consumer: number): void {
    const { port1, port2 } = new MessageChannel();
    const abort = new AbortController();
    // Options parsed here, where the schemas are loaded anyway: the worker then loads only its driver (driver-builders.ts).
    const { issues, options } = checkSpec(spec);
    const task: SessionTask = { spec, options, chip: this.opts.chip, ring: this.ring.sab, consumer, port: port2, progressMs: this.opts.progressMs ?? 100 };
    let readyDone!: () => void;
    const m: Member = { spec, consumer, port: port1, abort, ready: new Promise<void>((r) => (readyDone = r)), task: Promise.resolve() };
    this.members.set(spec.name, m);
    if (issues.length > 0) {
      // A spec its driver's schema refuses never reaches a worker: lost at once, with the error naming each bad field.
      const error = specError(spec, issues);
      this.lose(m, linkLost(error.message, error));
      readyDone();
      port1.close();
      return;
    }
    port1.on('message', (msg: FromSession) => {
      if (msg.type === 'ready') readyDone();
      else if (msg.type === 'error') {
        const error = fromWire(msg.error);
        this.lose(m, linkLost(error.message, error));
        readyDone();
      } else this.onMessage(m, msg);
    });
    m.task = this.pool.run(task, { transferList: [port2 as never], signal: abort.signal }).then(
      () => this.lose(m, linkLost('its session ended')),
      (err: unknown) => this.lose(m, linkLost(err instanceof Error ? err.message : String(err))),
    ).finally(() => {
      readyDone();
      port1.close();
    });
  }

  /** Marks a programmer lost: its ring references go, its wave (if any) gets `{ lost }`. Idempotent. */
  private lose(m: Member, loss: ProgrammerLoss): void {
    if (m.down === undefined) m.down = loss;
    // The worker's own report may arrive after piscina's rejection of its task: keep its error as the cause.
    else if (m.down.cause === undefined && loss.cause !== undefined) m.down = { ...m.down, cause: loss.cause };
    markConsumerDead(this.ring, m.consumer);
    const p = m.pending;
    if (p) {
      m.pending = undefined;
      p.onEvent({ type: 'lost', wave: p.wave, programmer: m.spec.name, loss: m.down });
      p.settle({ lost: m.down });
    }
  }

  private onMessage(m: Member, msg: FromSession): void {
    const p = m.pending;
    if (!p || !('wave' in msg) || msg.wave !== p.wave) return;
    const programmer = m.spec.name;
    if (msg.type === 'progress') {
      p.onEvent({ type: 'progress', wave: p.wave, programmer, sites: p.sites, stage: msg.stage, partition: msg.partition, bytesDone: msg.bytesDone, bytesTotal: msg.bytesTotal });
    } else if (msg.type === 'detached') p.onEvent({ type: 'detached', wave: p.wave, programmer, offset: msg.offset });
    else if (msg.type === 'done') {
      m.pending = undefined;
      p.onEvent({ type: 'cycle-done', wave: p.wave, programmer, results: msg.results });
      p.settle({ results: msg.results, figures: msg.figures });
    }
  }

  /**
   * Runs one wave: opens the image once, streams it through the ring to every programmer in `cycles` (and only
   * those), and resolves with each one's results, or `{ lost }` for a programmer whose worker died or was already
   * down. Rejects (after every cycle ended) if the image could not be read to the end.
   */
  async runWave(image: ImageFile, cycles: Map<string, WireCyclePlan>, onEvent: (e: FarmEvent) => void = () => undefined): Promise<Map<string, ProgrammerWaveResult>> {
    if (this.members.size === 0) throw new UsageError('no-programmers', 'this farm session has no programmers');
    for (const name of cycles.keys()) {
      if (!this.members.has(name)) throw new UsageError('unknown-programmer', `no programmer "${name}" in this farm session (known: ${[...this.members.keys()].join(', ')})`);
    }
    if ([...this.members.values()].some((m) => m.pending)) throw new UsageError('wave-running', 'a wave is already running on this farm session');
    const t0 = performance.now();
    const wave = ++this.waveNo;
    const out = new Map<string, ProgrammerWaveResult>();
    const live = [...cycles.keys()].map((k) => this.members.get(k)!).filter((m) => {
      if (m.down === undefined) return true;
      out.set(m.spec.name, { lost: m.down });
      onEvent({ type: 'lost', wave, programmer: m.spec.name, loss: m.down });
      return false;
    });
    if (live.length === 0) return out;
    const source = await openImage(image.path, { fill: image.fill, chunkSize: READ_BYTES });
    resetRing(this.ring, live.map((m) => m.consumer));
    const detached: string[] = [];
    const byConsumer = new Map(live.map((m) => [m.consumer, m.spec.name]));
    const writer = new RingWriter(this.ring, { slowConsumerMs: this.opts.slowConsumerMs, onDetach: (c) => detached.push(byConsumer.get(c)!) });
    const done = live.map(
      (m) =>
        new Promise<void>((resolve) => {
          const plan = cycles.get(m.spec.name)!;
          m.pending = { wave, sites: plan.insertions.map((i) => i.site), onEvent, settle: (r) => resolve(void out.set(m.spec.name, r)) };
          m.port.postMessage({ type: 'cycle', wave, plan, image });
        }),
    );
    // a raw, uncompressed image is read straight into the ring's slots (no reader buffer, no copy; see writeRawFile)
    const raw = source.format === 'raw' && !source.gzip;
    const writing = (raw ? writer.writeRawFile(image.path) : writer.write(source.extents())).then(
      (s) => ({ s, err: undefined }),
      (err: unknown) => ({ s: undefined, err }),
    );
    await Promise.all(done);
    const w = await writing;
    let resumedBytes = 0;
    for (const r of out.values()) if ('figures' in r) resumedBytes += r.figures.resumedBytes;
    if (w.err !== undefined) throw w.err;
    this.lastWave = { wave, ms: performance.now() - t0, imageBytesRead: w.s!.dataBytes + resumedBytes, ring: w.s!, resumedBytes, detached };
    return new Map([...cycles.keys()].map((k) => [k, out.get(k)!]));
  }

  /**
   * Gives up on every programmer still in the running wave (a watchdog fired, the lease was taken): each is marked
   * lost with `loss`, its worker task is aborted and its ring references released, so the wave ends now.
   */
  abortWave(loss: ProgrammerLoss): string[] {
    const stuck = [...this.members.values()].filter((m) => m.pending);
    for (const m of stuck) {
      this.lose(m, loss);
      m.abort.abort();
    }
    return stuck.map((m) => m.spec.name);
  }

  /** Starts a fresh session task for a programmer (after it was lost); resolves when its driver is open again. */
  async restart(name: string): Promise<void> {
    const m = this.members.get(name);
    if (!m) throw new UsageError('unknown-programmer', `no programmer "${name}" in this farm session`);
    if (m.pending) throw new UsageError('wave-running', `programmer "${name}" is in a wave; restart it after the wave`);
    if (m.down === undefined) m.port.postMessage({ type: 'close' });
    else m.abort.abort();
    await m.task;
    this.launch(m.spec, m.consumer);
    await this.members.get(name)!.ready;
  }

  /** Closes every driver and stops the workers. */
  async close(): Promise<void> {
    for (const m of this.members.values()) {
      if (m.down === undefined) m.port.postMessage({ type: 'close' });
    }
    await Promise.all([...this.members.values()].map((m) => m.task));
    await this.pool.destroy();
  }
}
