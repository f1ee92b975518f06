/**
 * npm run bench:fanout [-- --size 256M | --big] [--programmers 1,2,4,8] [--rt-size 2G] [--only sim,naive,ring,blockdev,rss,realtime]
 *                        [--rounds 3] [--source]
 *
 * The fan-out runs as shipped: FarmSession and its workers from dist/ (build first: `npx tsc -p tsconfig.build.json`;
 * workers from dist load no tsx). `--source` runs them from src/ through tsx instead. Every figure is the median of
 * `--rounds` runs (default 3; blockdev at least 5), gangflash and its baselines interleaved run by run. gangflash's
 * waves are timed on a session that already ran two waves (as in a lot, where one session runs every wave): the
 * first waves also pay for V8 compiling the hot path and marking the new heaps, and are printed as `coldMs`. The
 * naive farms are warmed the same way.
 *
 * The fan-out benchmark (issue 5), all in one run on one image in a temp dir (read from the page cache):
 * - sim at unlimited speed, P programmers × 8 sites: wall time, site-bytes/s, 50 MB/s sockets kept fed, and the
 *   floor measured in the same run (one read and P passes of zlib.crc32 over the image, on all cores) and the ratio;
 * - the naive fan-outs at the largest P: each worker reads the file itself / main thread postMessage-copies chunks;
 * - ring sizes at the largest P: slot counts and chunk sizes (how the defaults were picked);
 * - blockdev to 8 files (overwritten in place, like block devices) next to 8 parallel `dd bs=4M conv=notrunc,fsync`
 *   and `tee` into 8 files (+ sync);
 * - peak RSS of one wave at the largest P, at the image size and at 4 GiB, each in a fresh process (rss-wave.mjs);
 * - real-time sim: 8 × 8 sites at 50 MB/s per site: share of program time the sites spend programming.
 * Every step prints one JSON line; a table follows. `benchRssMB` is this process's peak RSS so far (all threads,
 * sampled every 20 ms; it includes tsx and every earlier step), `peakRssMB` the fresh process's VmHWM;
 * readMB is this process's read(2) bytes (/proc/self/io rchar), countedMB the image bytes gangflash pulled.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Chip } from '../src/catalog/chip.js';
import type { FarmSession as FarmSessionType, RingOptions, WireCyclePlan } from '../src/fanout/pool/farm-session.js';
import type { ProgrammerSpec } from '../src/programmers/spec.js';
import { floorPasses } from './fanout-lib/floor.js';
import { interleaved, measure, parseSize, type Cost } from './fanout-lib/measure.js';
import { startNaive } from './fanout-lib/naive.js';

const { values: args } = parseArgs({
  options: { size: { type: 'string' }, big: { type: 'boolean' }, programmers: { type: 'string' }, 'rt-size': { type: 'string' }, only: { type: 'string' }, rounds: { type: 'string' }, source: { type: 'boolean' } },
});
const rounds = Number(args.rounds ?? 3);
const dist = new URL('../dist/src/fanout/pool/farm-session.js', import.meta.url);
if (!args.source && !fs.existsSync(dist)) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.build.json` first (or pass --source)');
const { FarmSession } = (await import(args.source ? '../src/fanout/pool/farm-session.js' : dist.href)) as { FarmSession: typeof FarmSessionType };
const size = args.big ? 4 * 2 ** 30 : parseSize(args.size ?? '1G');
const rtSize = args['rt-size'] ? parseSize(args['rt-size']) : args.size || args.big ? Math.min(size, 2 * 2 ** 30) : 2 * 2 ** 30;
const Ps = (args.programmers ?? '1,2,4,8').split(',').map(Number);
const maxP = Math.max(...Ps);
const only = new Set((args.only ?? 'sim,naive,ring,blockdev,rss,realtime').split(','));
const SITES = 8;
const SOCKET = 50e6;
const MB = 2 ** 20;

/** The catalog's 8 GB eMMC (chipdb/chips/emmc.json), fault-free in the sim. */
const catalog = JSON.parse(fs.readFileSync(new URL('../chipdb/chips/emmc.json', import.meta.url), 'utf8')) as { chips: Chip[] };
const chip = catalog.chips.find((c) => c.part === 'KLM8G1GETF-B041')!;
const quiet = { linkLostRate: 0, wrongChipRate: 0, defectMultiplier: 0, grownBadBlockRate: 0, factoryBadBlockMean: 0, contact: { base: 0, atRatedLife: 0 } };
const sims = (p: number, speed: number | 'unlimited'): ProgrammerSpec[] =>
  Array.from({ length: p }, (_, i) => ({ name: `sim-${i + 1}`, driver: 'sim', model: 'sim-gang', serial: `SIM-${i + 1}`, sites: SITES, options: { ...quiet, speed } }));
const plan = (name: string, bytes: number, ops: WireCyclePlan['ops'] = ['program', 'verify']): WireCyclePlan => ({
  insertions: Array.from({ length: SITES }, (_, s) => ({ site: s, device: `BENCH/${name}/${s}` })),
  ops,
  expectedId: chip.idBytes,
  target: {},
  imageBytes: bytes,
});

const rows: Record<string, unknown>[] = [];
function emit(row: Record<string, unknown>): void {
  console.log(JSON.stringify(row));
  rows.push(row);
}
const figures = (c: Cost<unknown> & { runsMs?: number[] }) => ({ ms: Math.round(c.ms), runsMs: c.runsMs, benchRssMB: c.peakRssMB, readMB: c.readBytes === null ? null : Math.round(c.readBytes / MB) });
const siteRate = (p: number, ms: number) => {
  const bps = (p * SITES * size) / (ms / 1000);
  return { siteMBps: Math.round(bps / MB), sockets50: Math.floor(bps / SOCKET) };
};

/** A file of `bytes` pseudo-random bytes (a 16 MiB random block, stamped with its index, repeated). */
function writeImage(file: string, bytes: number): void {
  const block = Buffer.alloc(16 * MB);
  for (let i = 0; i < block.length; i += 4) block.writeUInt32LE((Math.random() * 2 ** 32) >>> 0, i);
  const fd = fs.openSync(file, 'w');
  for (let at = 0, n = 0; at < bytes; at += block.length, n++) {
    block.writeUInt32LE(n, 0);
    fs.writeSync(fd, block, 0, Math.min(block.length, bytes - at));
  }
  fs.fsyncSync(fd); // its writeback must not land inside the first measurement
  fs.closeSync(fd);
}

/** A started farm session of `p` sim programmers whose waves are timed one by one (the session lives across them). */
async function simFarm(p: number, speed: number | 'unlimited', ring?: RingOptions) {
  const session = await FarmSession.start({ programmers: sims(p, speed), chip, ring });
  return {
    /** One wave over `file`; checks every site passed. The cost's value holds results and wave figures. */
    async wave(file: string, bytes: number, ops?: WireCyclePlan['ops']) {
      const cycles = new Map([...session.status().keys()].map((n) => [n, plan(n, bytes, ops)] as const));
      const cost = await measure(() => session.runWave({ path: file }, cycles));
      const bad = [...cost.value.values()].filter((r) => !('results' in r) || !r.results.every((x) => x.ok));
      if (bad.length > 0) throw new Error(`bench wave failed: ${JSON.stringify(bad).slice(0, 300)}`);
      return { ...cost, value: { results: cost.value, wave: session.lastWave! } };
    },
    close: () => session.close(),
  };
}
type SimCost = Awaited<ReturnType<Awaited<ReturnType<typeof simFarm>>['wave']>>;

/**
 * Waves before timing starts. A lot runs hundreds of waves on one session; its first waves also pay for V8 compiling
 * the hot path and marking the new worker heaps on its background threads (~400 ms of CPU at P = 8 on this host),
 * which a lot pays once. Those first waves are printed as `coldMs`.
 */
const WARM_WAVES = 2;

/** Starts a naive fan-out of `maxP` programmers (workers started outside the timing). */
async function naiveFarm(mode: 'self-read' | 'post-copy', image: string) {
  const farm = await startNaive(mode, sims(maxP, 'unlimited'), chip, image, plan('naive', size));
  return {
    async cycle(): Promise<Cost<unknown>> {
      const cost = await measure(() => farm.go());
      if (!cost.value) throw new Error(`naive ${mode}: a site failed`);
      return cost;
    },
    close: () => farm.close(),
  };
}

/** Dirty + writeback page cache of the whole machine, in MiB (/proc/meminfo), or 0 where it cannot be read. */
function dirtyMB(): number {
  try {
    const info = fs.readFileSync('/proc/meminfo', 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(info)?.[1] ?? 0);
    return (kb('Dirty') + kb('Writeback')) / 1024;
  } catch {
    return 0;
  }
}

const run = (cmd: string, argv: string[]) =>
  new Promise<void>((resolve, reject) => spawn(cmd, argv, { stdio: 'ignore' }).once('exit', (c) => (c === 0 ? resolve() : reject(new Error(`${cmd} exited ${c}`)))));
const has = (tool: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gangflash-bench-'));
try {
  const image = path.join(dir, 'image.bin');
  writeImage(image, size);
  console.error(`image ${size / MB} MiB in ${dir}; ${os.availableParallelism()} cores; node ${process.version}`);

  if (only.has('sim')) {
    for (const p of Ps) {
      const farm = await simFarm(p, 'unlimited');
      const cold: number[] = [];
      for (let i = 0; i < WARM_WAVES; i++) cold.push(Math.round((await farm.wave(image, size)).ms));
      const m = await interleaved(rounds, { floor: () => measure(() => floorPasses(image, p)), gangflash: () => farm.wave(image, size) });
      await farm.close();
      const wave = (m.gangflash.value as SimCost['value']).wave;
      emit({ bench: 'floor (1 read, P crc32 passes)', P: p, MiB: size / MB, ...figures(m.floor) });
      emit({ bench: 'gangflash sim', P: p, sites: SITES, MiB: size / MB, ...figures(m.gangflash), coldMs: cold.join(','), ...siteRate(p, m.gangflash.ms), ratioToFloor: +(m.gangflash.ms / m.floor.ms).toFixed(2), countedMB: Math.round(wave.imageBytesRead / MB), detached: wave.detached.length });
    }
  }
  if (only.has('naive')) {
    const farms = { gangflash: await simFarm(maxP, 'unlimited'), selfRead: await naiveFarm('self-read', image), postCopy: await naiveFarm('post-copy', image) };
    const steps = { gangflash: () => farms.gangflash.wave(image, size), selfRead: () => farms.selfRead.cycle(), postCopy: () => farms.postCopy.cycle() };
    for (let i = 0; i < WARM_WAVES; i++) for (const step of Object.values(steps)) await step();
    const m = await interleaved(rounds, steps);
    for (const f of Object.values(farms)) await f.close();
    emit({ bench: 'gangflash sim (next to naive)', P: maxP, sites: SITES, MiB: size / MB, ...figures(m.gangflash), ...siteRate(maxP, m.gangflash.ms) });
    emit({ bench: 'naive self-read', P: maxP, sites: SITES, MiB: size / MB, ...figures(m.selfRead), ...siteRate(maxP, m.selfRead.ms) });
    emit({ bench: 'naive post-copy', P: maxP, sites: SITES, MiB: size / MB, ...figures(m.postCopy), ...siteRate(maxP, m.postCopy.ms) });
  }
  if (only.has('ring')) {
    // one session at a time: several idle 8-worker sessions side by side slowed every one of them down
    // slot counts at 1 MiB, and chunk sizes at the default 32 MiB of shared memory
    const rings: Record<string, RingOptions> = {
      '16 x 1024 KiB': { slots: 16, chunkSize: MB },
      '32 x 1024 KiB': { slots: 32, chunkSize: MB },
      '64 x 1024 KiB': { slots: 64, chunkSize: MB },
      '128 x 256 KiB': { slots: 128, chunkSize: MB / 4 },
      '8 x 4096 KiB': { slots: 8, chunkSize: 4 * MB },
    };
    for (const [k, ring] of Object.entries(rings)) {
      const farm = await simFarm(maxP, 'unlimited', ring);
      for (let i = 0; i < WARM_WAVES; i++) await farm.wave(image, size);
      const m = await interleaved(rounds, { [k]: () => farm.wave(image, size) });
      await farm.close();
      emit({ bench: `ring ${k}`, P: maxP, sites: SITES, MiB: size / MB, ...figures(m[k]), ...siteRate(maxP, m[k].ms) });
    }
  }
  if (only.has('blockdev')) {
    // Targets behave like block devices: 8 files of the image's size, written once (untimed), then overwritten in
    // place by every tool (dd conv=notrunc; gangflash's blockdev driver writes at offsets and never truncates).
    // Deleting and recreating them between runs measured the VM's thin storage instead: this disk is mounted with
    // `discard`, a delete hands 8 GiB back to the host at once, and whoever wrote next paid for reallocating it
    // (2-3x slower, whichever tool it was). `tee` cannot write in place, so it truncates 8 files of its own.
    const targets = Array.from({ length: 8 }, (_, i) => path.join(dir, `site-${i}.img`));
    const teeTargets = Array.from({ length: 8 }, (_, i) => path.join(dir, `tee-${i}.img`));
    const dd = (out: string, extra = '') => run('dd', [`if=${image}`, `of=${out}`, 'bs=4M', `conv=${extra}fsync`, 'status=none']);
    for (const t of targets) fs.copyFileSync(image, t);
    /** Lets the storage settle before a step (untimed): `sync`, wait for dirty and writeback pages to drain, 1 s. */
    const settle = async () => {
      execFileSync('sync');
      for (let i = 0; i < 300 && dirtyMB() > 64; i++) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 1000));
    };
    const q = teeTargets.map((t) => `'${t}'`).join(' ');
    const spec: ProgrammerSpec = { name: 'bd', driver: 'blockdev', model: 'usb-emmc-reader', serial: 'BD-1', sites: 8, options: { targets, capacityBytes: size } };
    const steps: Record<string, () => Promise<Cost<unknown>>> = {
      gangflash: async () => {
        const session = await FarmSession.start({ programmers: [spec], chip });
        await settle();
        const cost = await measure(() => session.runWave({ path: image }, new Map([['bd', plan('bd', size, ['program'])]])));
        console.error(`blockdev wave: the ring writer waited ${Math.round(session.lastWave!.ring.waitMs)} ms for slots (0: the image read is the bottleneck)`);
        await session.close();
        const r = cost.value.get('bd')!;
        if (!('results' in r) || !r.results.every((x) => x.ok)) throw new Error(`blockdev wave failed: ${JSON.stringify(r).slice(0, 300)}`);
        return cost;
      },
    };
    if (has('dd')) steps.dd = async () => (await settle(), measure(() => Promise.all(targets.map((t) => dd(t, 'notrunc,')))));
    else console.error('dd not found: skipped');
    if (has('tee') && has('sync')) steps.tee = async () => (await settle(), measure(() => run('sh', ['-c', `tee ${q} < '${image}' > /dev/null && sync ${q}`])));
    else console.error('tee/sync not found: skipped');
    // storage timings swing more than CPU ones: at least 5 rounds
    const m = await interleaved(Math.max(rounds, 5), steps);
    for (const t of [...targets, ...teeTargets]) fs.rmSync(t, { force: true });
    const rate = (ms: number) => Math.round((8 * size) / MB / (ms / 1000));
    emit({ bench: 'gangflash blockdev -> 8 files (write+fsync)', P: 1, sites: 8, MiB: size / MB, ...figures(m.gangflash), writeMBps: rate(m.gangflash.ms) });
    if (m.dd) emit({ bench: '8 parallel dd bs=4M conv=notrunc,fsync', sites: 8, MiB: size / MB, ...figures(m.dd), readMB: (8 * size) / MB, writeMBps: rate(m.dd.ms) });
    if (m.tee) emit({ bench: 'tee into 8 files + sync', sites: 8, MiB: size / MB, ...figures(m.tee), readMB: size / MB, writeMBps: rate(m.tee.ms) });
  }
  if (only.has('rss')) {
    // in a fresh process each, as shipped (dist/, no tsx): this process's own RSS counts the bench's other steps too
    const big = 4 * 2 ** 30;
    const bigImage = size === big ? image : path.join(dir, 'rss-4g.bin');
    for (const [file, bytes] of [[image, size], [bigImage, big]] as const) {
      if (!fs.existsSync(file)) writeImage(file, bytes);
      const programmers = sims(maxP, 'unlimited');
      const wave = { image: file, programmers, chip, cycles: programmers.map((p) => [p.name, plan(p.name, bytes)]) };
      const child = execFileSync(process.execPath, [fileURLToPath(new URL('./fanout-lib/rss-wave.mjs', import.meta.url)), JSON.stringify(wave)], { encoding: 'utf8' });
      const r = JSON.parse(child.trim().split('\n').pop()!) as { ok: boolean; ms: number; hwmStartMB: number; hwmStartedMB: number; peakRssMB: number; countedMB: number };
      if (!r.ok) throw new Error(`rss wave failed: ${child}`);
      emit({ bench: 'peak RSS, one wave in a fresh process', P: maxP, sites: SITES, MiB: bytes / MB, ms: r.ms, peakRssMB: r.peakRssMB, rssAtStartMB: r.hwmStartMB, rssSessionStartedMB: r.hwmStartedMB, countedMB: r.countedMB });
      if (file !== image) fs.rmSync(file, { force: true });
    }
  }
  if (only.has('realtime')) {
    const rtImage = rtSize === size ? image : path.join(dir, 'rt.bin');
    if (rtImage !== image) writeImage(rtImage, rtSize);
    const speed = SOCKET / (chip.timings.writeBytesPerSec ?? 20e6); // the sim's eMMC default rate is 20 MB/s
    const farm = await simFarm(8, speed);
    const cost = await farm.wave(rtImage, rtSize, ['program']);
    await farm.close();
    const results = cost.value.results;
    const idealMs = (rtSize / SOCKET) * 1000;
    const shares = [...results.values()].map((r) => ('figures' in r ? idealMs / (r.figures.stageMs.program ?? Infinity) : 0));
    emit({
      bench: 'real-time sim 8 x 8 @ 50 MB/s',
      P: 8, sites: SITES, MiB: rtSize / MB, ...figures(cost), idealProgramMs: Math.round(idealMs),
      programmingShareMin: +Math.min(...shares).toFixed(4), programmingShareMean: +(shares.reduce((a, b) => a + b, 0) / shares.length).toFixed(4),
    });
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}

console.log('');
const cols = ['bench', 'P', 'sites', 'MiB', 'ms', 'runsMs', 'siteMBps', 'sockets50', 'ratioToFloor', 'writeMBps', 'programmingShareMin', 'peakRssMB', 'readMB', 'countedMB'];
const cell = (v: unknown) => (v === undefined || v === null ? '' : String(v));
const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
console.log(cols.map((c, i) => c.padEnd(widths[i])).join('  '));
for (const r of rows) console.log(cols.map((c, i) => cell(r[c]).padEnd(widths[i])).join('  '));
