/**
 * Peak RSS of `run` against the lot's size: one fixture (8 sim programmers × 16 sites, unlimited speed, 4 KiB image,
 * a serialized job, link losses at 0.2 %: the same farm as the big database of bench:scale) with a lot of 10,000
 * devices and one of `bigLot`; each round runs both lots, each with `gangflash run --lot L --json` in a process of its
 * own on a fresh copy of the fixture, order alternating between rounds; stdout is read and discarded as a script
 * would. Peak RSS is VmHWM of the whole process (main thread and workers, bench/scale-lib/peak-rss.cjs). Medians of
 * the rounds, the ratio big / small, and the machine's 1-minute load average over the runs.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lotFixture } from '../../test/helpers/lot-fixture.js';
import { openDb } from '../../src/db/open.js';
import { importReels } from '../../src/lots/import.js';

/** The figures of one measurement: every run's peak (MB), the medians, their ratio and the load. */
export interface RunRssFigures {
  smallLot: number;
  bigLot: number;
  smallMB: number[];
  bigMB: number[];
  smallMedianMB: number;
  bigMedianMB: number;
  ratio: number;
  /** Seconds of the big lot's runs (median). */
  bigSeconds: number;
  load: { min: number; max: number };
}

/** The middle value (the mean of the middle two for an even count). */
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : Math.round((s[m - 1] + s[m]) / 2);
};
const load = () => +os.loadavg()[0].toFixed(1);

/** Builds the fixture in `dir`, then measures `rounds` rounds of the 10,000-device lot and the `bigLot` one. */
export async function runRss(dir: string, bin: string, preload: string, bigLot: number, rounds: number): Promise<RunRssFigures> {
  const smallLot = 10_000;
  const f = await lotFixture({ dir, devices: 1, programmers: 8, sites: 16, imageBytes: 4096, serial: 'SC0000000001@0x100000', sim: { speed: 'unlimited', linkLostRate: 0.002 } });
  const db = openDb(f.dbFile, { create: false });
  try {
    db.prepare('UPDATE adapters SET override_life = 1').run();
    for (const [id, n] of [['SMALL', smallLot], ['BIG', bigLot]] as const) {
      const rows = ['lot,reel,part,quantity,date_code,job'];
      for (let r = 0, left = n; left > 0; r++, left -= 2500) rows.push(`${id},R${r + 1},KLM8G1GETF-B041,${Math.min(2500, left)},2447,job`);
      fs.writeFileSync(path.join(dir, `${id}.csv`), rows.join('\n') + '\n');
      importReels(db, path.join(dir, `${id}.csv`));
    }
  } finally {
    db.close();
  }
  const base = path.join(dir, 'run-rss-base.db');
  fs.copyFileSync(f.dbFile, base);
  const loads: number[] = [];
  /** Runs lot `id` on a fresh copy of the fixture: its peak RSS (MB), devices finished for good, and seconds. */
  const runOnce = async (id: string): Promise<{ mb: number; finals: number; s: number }> => {
    fs.copyFileSync(base, f.dbFile);
    for (const s of ['-wal', '-shm']) fs.rmSync(f.dbFile + s, { force: true });
    const out = path.join(dir, 'peak-rss.txt');
    loads.push(load());
    const t0 = performance.now();
    const argv = ['--require', preload, bin, '--db', f.dbFile, 'run', '--lot', id, '--json', '--site-fail-limit', '100000000'];
    const child = spawn(process.execPath, argv, { env: { ...process.env, GANGFLASH_BENCH_PEAK_RSS: out }, stdio: ['ignore', 'pipe', 'inherit'] });
    let finals = 0;
    let tail = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      const lines = (tail + d).split('\n');
      tail = lines.pop()!;
      for (const l of lines) if (l.includes('"device-result"') && l.includes('"final":true')) finals++;
    });
    const code = await new Promise<number | null>((r) => child.on('close', r));
    loads.push(load());
    if (code !== 0) throw new Error(`run --lot ${id} exited ${code}`);
    const mb = Math.round(Number(fs.readFileSync(out, 'utf8')) / 1024);
    fs.rmSync(out);
    return { mb, finals, s: (performance.now() - t0) / 1000 };
  };
  const small: number[] = [];
  const big: number[] = [];
  const bigSeconds: number[] = [];
  for (let k = 0; k < rounds; k++) {
    for (const id of k % 2 === 0 ? ['SMALL', 'BIG'] : ['BIG', 'SMALL']) {
      const r = await runOnce(id);
      const want = id === 'SMALL' ? smallLot : bigLot;
      if (r.finals !== want) throw new Error(`run --lot ${id}: ${r.finals} devices finished, ${want} expected`);
      (id === 'SMALL' ? small : big).push(r.mb);
      if (id === 'BIG') bigSeconds.push(r.s);
      process.stderr.write(`run rss: ${id} (${want} devices) peak ${r.mb} MB in ${r.s.toFixed(0)} s (load ${loads.at(-1)})\n`);
    }
  }
  const [sm, bm] = [median(small), median(big)];
  return {
    smallLot,
    bigLot,
    smallMB: small,
    bigMB: big,
    smallMedianMB: sm,
    bigMedianMB: bm,
    ratio: +(bm / sm).toFixed(2),
    bigSeconds: Math.round(median(bigSeconds)),
    load: { min: Math.min(...loads), max: Math.max(...loads) },
  };
}
