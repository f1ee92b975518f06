/**
 * A one-wave lot, whole process, against the fan-out floor: a lot of 64 devices on 8 sim programmers × 8 sites
 * (unlimited speed, no faults), a 1 GiB raw image, the job released and its image checked once when the job was made;
 * each round runs `gangflash run --lot LOT-1 --json` in a process of its own on a fresh copy of the database, next
 * to the floor of bench:fanout (`floorPasses`: one read of the image and 8 CRC-32 passes over it, both cores), order
 * alternating. Medians; the run's phases from its own events: start-up (process start to `run-start`), the wave
 * (`run-start` to the last `device-result`), the end (to the process's exit). Also both sides' CPU time (user + sys,
 * all threads; the run's through /usr/bin/time where present): on a shared machine the run's 9 threads get a larger
 * share of the cores than the floor's 2, so a loaded machine's wall ratio flatters the run and the CPU ratio does not.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lotFixture } from '../../test/helpers/lot-fixture.js';
import { floorPasses } from '../fanout-lib/floor.js';

/** Figures of the one-wave lot (ms, medians) and the machine's load when it was measured. */
export interface OneWaveFigures {
  imageMiB: number;
  rounds: number;
  floorMs: number;
  runMs: number;
  ratio: number;
  startupMs: number;
  waveMs: number;
  endMs: number;
  /** CPU ms (user + sys, every thread) of the floor and of the whole run process, medians; null without /usr/bin/time. */
  floorCpuMs: number;
  runCpuMs: number | null;
  cpuRatio: number | null;
  load: number;
  /** The same figures of `--compare-bin`'s gangflash (another build, e.g. main's), measured in the same rounds. */
  compare?: RunFigures;
}

/** One gangflash build's figures in the rounds (ms, medians; CPU null without /usr/bin/time). */
export interface RunFigures {
  bin: string;
  runMs: number;
  ratio: number;
  startupMs: number;
  waveMs: number;
  endMs: number;
  runCpuMs: number | null;
  cpuRatio: number | null;
}

const quiet = { speed: 'unlimited', linkLostRate: 0, wrongChipRate: 0, defectMultiplier: 0, grownBadBlockRate: 0, factoryBadBlockMean: 0, contact: { base: 0, atRatedLife: 0 } };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Builds the fixture in `dir` and measures `rounds` rounds of the floor and the whole `run` process; with
 * `compareBin`, that gangflash runs the same lot in every round too (order alternating with `bin`'s).
 */
export async function oneWaveLot(dir: string, bin: string, rounds: number, imageBytes = 2 ** 30, compareBin?: string): Promise<OneWaveFigures> {
  const f = await lotFixture({ dir, devices: 64, programmers: 8, sites: 8, imageBytes, sim: quiet });
  const base = path.join(dir, 'one-wave-base.db');
  fs.copyFileSync(f.dbFile, base);
  const l0 = os.loadavg()[0];
  const runs = () => ({ run: [] as number[], startup: [] as number[], wave: [] as number[], end: [] as number[], runCpu: [] as number[] });
  const got = { floor: [] as number[], floorCpu: [] as number[], ...runs() };
  const other = runs();
  const time = fs.existsSync('/usr/bin/time') ? ['/usr/bin/time', '-f', 'GANGFLASH-CPU %U %S'] : [];
  const run = (bin: string, got: ReturnType<typeof runs>) => {
    fs.copyFileSync(base, f.dbFile);
    for (const s of ['-wal', '-shm']) fs.rmSync(f.dbFile + s, { force: true });
    const t0 = Date.now();
    const s = performance.now();
    const argv = [...time, process.execPath, bin, '--db', f.dbFile, 'run', '--lot', f.lot, '--json'];
    const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 1 << 26 });
    const cpu = /GANGFLASH-CPU ([\d.]+) ([\d.]+)/.exec(r.stderr);
    if (cpu) got.runCpu.push((Number(cpu[1]) + Number(cpu[2])) * 1000);
    const ms = performance.now() - s;
    const events = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; at: string; end?: string; passed?: number });
    const done = events.find((e) => e.type === 'lot-done');
    if (r.status !== 0 || done?.end !== 'done' || done.passed !== 64) throw new Error(`one-wave lot: exit ${r.status}, ${JSON.stringify(done)}: ${r.stderr}`);
    const at = (e: { at: string } | undefined) => Date.parse(e!.at) - t0;
    const started = at(events.find((e) => e.type === 'run-start'));
    const waveEnd = Math.max(...events.filter((e) => e.type === 'device-result').map(at));
    got.run.push(ms);
    got.startup.push(started);
    got.wave.push(waveEnd - started);
    got.end.push(ms - waveEnd);
  };
  const floor = async () => {
    const s = performance.now();
    const c = process.cpuUsage();
    await floorPasses(f.image, 8);
    got.floor.push(performance.now() - s);
    const d = process.cpuUsage(c);
    got.floorCpu.push((d.user + d.system) / 1000);
  };
  await floor(); // the image into the page cache, both ways
  for (let k = 0; k < rounds; k++) {
    const both = () => (compareBin && k % 4 >= 2 ? (run(compareBin, other), run(bin, got)) : (run(bin, got), compareBin && run(compareBin, other)));
    if (k % 2 === 0) (await floor(), both());
    else (both(), await floor());
  }
  const med = (v: number[], skipFirst = false) => (v.length === 0 ? NaN : Math.round(median(skipFirst ? v.slice(1) : v)));
  const floorMs = med(got.floor, true);
  const floorCpuMs = med(got.floorCpu, true);
  const figures = (b: string, g: ReturnType<typeof runs>): RunFigures => {
    const cpu = med(g.runCpu);
    const runCpuMs = Number.isNaN(cpu) ? null : cpu;
    const runMs = med(g.run);
    return { bin: b, runMs, ratio: +(runMs / floorMs).toFixed(2), startupMs: med(g.startup), waveMs: med(g.wave), endMs: med(g.end), runCpuMs, cpuRatio: runCpuMs === null ? null : +(runCpuMs / floorCpuMs).toFixed(2) };
  };
  const { bin: _, ...mine } = figures(bin, got);
  return {
    imageMiB: imageBytes / 2 ** 20, rounds, floorMs, ...mine, floorCpuMs, load: +((l0 + os.loadavg()[0]) / 2).toFixed(1),
    ...(compareBin ? { compare: figures(compareBin, other) } : {}),
  };
}
