// npm run bench:scale [-- --devices 1000000 --lot 10000 --runs 5] [--only startup,one-wave,rss,scale] [--compare-bin OTHER/bin/gangflash.js]
// First, without any big database: start-up (`node -e 0`, `--version`, `--help`, `chips`: medians of --startup-runs
// whole processes, bench/scale-lib/startup.ts, with the floor of chips on its stack; --startup-before
// OTHER/bin/gangflash.js adds another build's rows in the same rounds, --startup-steps the floor's stages), a one-wave
// 1 GiB lot on 8 × 8 sim sites, whole process, against the fan-out floor measured in the same rounds
// (bench/scale-lib/one-wave.ts), and `run`'s peak RSS for a lot of 10,000 devices against one of --rss-lot (default
// 300000), --rss-rounds interleaved rounds on a fresh fixture each (bench/scale-lib/run-rss.ts). Then (section `scale`):
// Ten years of production in one database: builds it with gangflash's own run path (sim farm, unlimited speed, tiny
// image, serialized job, lots of --lot devices until --devices), keeps a copy after the first lot, then times every
// read command as a whole process on the small database and on the big one (medians, interleaved) and prints the
// ratio big / small, and start-up (`--version`, `chips`) against `node -e 0`. Then on the big database: a serialized
// lot of 10,000 and one of --serial-lot devices (default 300000; 0 skips both), each `run` in a process of its own:
// their peak RSS (VmHWM; ratio big / 10k), the big lot's devices/s in its first and last 30,000 devices, and the
// peak RSS of `report lot --format html|json|csv` for the 10k lot and the big one. Every figure carries the
// machine's 1-minute load average when it was measured (the machine may be shared).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runLotService } from '../src/scheduler/lot-service.js';
import { openDb } from '../src/db/open.js';
import { importReels } from '../src/lots/import.js';
import { listSites, setSiteEnabled } from '../src/inventory/sites.js';
import { lotFixture } from '../test/helpers/lot-fixture.js';
import { oneWaveLot } from './scale-lib/one-wave.js';
import { startupFigures } from './scale-lib/startup.js';
import { runRss as runRssFigures } from './scale-lib/run-rss.js';

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '1000000' },
    lot: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '5' },
    'serial-lot': { type: 'string', default: '300000' },
    keep: { type: 'boolean', default: false },
    /** A folder a previous --keep run left: its databases are measured again without building them. */
    reuse: { type: 'string' },
    /** Sections to run: startup, one-wave, rss (run's peak RSS, 10k vs --rss-lot), scale (the big database and everything measured on it). */
    only: { type: 'string', default: 'startup,one-wave,rss,scale' },
    'rss-lot': { type: 'string', default: '300000' },
    'rss-rounds': { type: 'string', default: '2' },
    'startup-runs': { type: 'string', default: '40' },
    /** Another checkout's bin/gangflash.js (built): its --version, --help and chips timed in the same rounds. */
    'startup-before': { type: 'string' },
    /** Also time the floor of chips stopped after each of its stages (bench/scale-lib/startup-floor.mjs). */
    'startup-steps': { type: 'boolean', default: false },
    'wave-rounds': { type: 'string', default: '5' },
    /** one-wave: another build's bin/gangflash.js (say main's, built in a copy) run in the same rounds, for a before/after. */
    'compare-bin': { type: 'string' },
  },
});
const total = Number(values.devices);
const lotSize = Number(values.lot);
const runs = Number(values.runs);
const serialLot = Number(values['serial-lot']);
const dir = values.reuse ? path.resolve(values.reuse) : fs.mkdtempSync(path.join(os.tmpdir(), 'gangflash-bench-scale-'));
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const bin = path.join(root, 'bin/gangflash.js');
const say = (s: string) => process.stderr.write(`${s}\n`);
/** The machine's 1-minute load average now. */
const load = () => +os.loadavg()[0].toFixed(1);
const peakRssPreload = path.join(root, 'bench/scale-lib/peak-rss.cjs');
let rssFiles = 0;
/** Arguments and environment that make a gangflash process report its peak RSS, and how to read it (MB) after it ended. */
function withPeakRss(args: string[]): { argv: string[]; env: NodeJS.ProcessEnv; peakMB: () => number } {
  const file = path.join(dir, `peak-rss-${process.pid}-${rssFiles++}.txt`);
  return {
    argv: ['--require', peakRssPreload, bin, ...args],
    env: { ...process.env, GANGFLASH_BENCH_PEAK_RSS: file },
    peakMB: () => {
      const kib = Number(fs.readFileSync(file, 'utf8'));
      fs.rmSync(file);
      return Math.round(kib / 1024);
    },
  };
}
/** Peak RSS (MB, the whole process) of one gangflash command, its output discarded. */
function peakRss(args: string[]): number {
  const m = withPeakRss(args);
  const r = spawnSync(process.execPath, m.argv, { env: m.env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return m.peakMB();
}

const only = new Set(values.only.split(','));
if (only.has('startup')) {
  const f = await lotFixture({ dir: path.join(dir, 'startup'), devices: 1, programmers: 1, sites: 1, imageBytes: 4096 });
  const before = values['startup-before'] ? path.resolve(values['startup-before']) : undefined;
  const s = startupFigures(bin, f.dbFile, Number(values['startup-runs']), { before, steps: values['startup-steps'] });
  console.table(s.rows);
  console.log(`start-up (${s.tool}, load ${s.load}): ${s.rows.slice(1).map((r) => `${r.command.replace('gangflash ', '')} ${r.ratio}x`).join(', ')} node -e 0 (${s.rows[0].ms} ms)`);
  console.log(JSON.stringify({ bench: 'scale startup', ...s }));
  fs.rmSync(path.join(dir, 'startup'), { recursive: true, force: true });
}
if (only.has('one-wave')) {
  const w = await oneWaveLot(path.join(dir, 'one-wave'), bin, Number(values['wave-rounds']), 2 ** 30, values['compare-bin'] && path.resolve(values['compare-bin']));
  fs.rmSync(path.join(dir, 'one-wave'), { recursive: true, force: true });
  console.log(`one-wave ${w.imageMiB} MiB lot on 8 x 8 sim sites, whole process: ${w.runMs} ms = ${w.ratio}x the floor (${w.floorMs} ms; start-up ${w.startupMs} ms, wave ${w.waveMs} ms, end ${w.endMs} ms); CPU ${w.runCpuMs ?? '?'} ms = ${w.cpuRatio ?? '?'}x the floor's ${w.floorCpuMs} ms (load ${w.load})`);
  const c = w.compare;
  if (c) console.log(`  same rounds, ${c.bin}: ${c.runMs} ms = ${c.ratio}x the floor (start-up ${c.startupMs} ms, wave ${c.waveMs} ms, end ${c.endMs} ms); CPU ${c.runCpuMs ?? '?'} ms = ${c.cpuRatio ?? '?'}x`);
  console.log(JSON.stringify({ bench: 'scale one-wave', ...w }));
}
if (only.has('rss')) {
  const r = await runRssFigures(path.join(dir, 'rss'), bin, peakRssPreload, Number(values['rss-lot']), Number(values['rss-rounds']));
  fs.rmSync(path.join(dir, 'rss'), { recursive: true, force: true });
  console.log(`run peak RSS (fresh fixture, 8 x 16 sim sites, unlimited speed): ${r.smallMedianMB} MB for ${r.smallLot} devices [${r.smallMB.join(', ')}], ${r.bigMedianMB} MB for ${r.bigLot} [${r.bigMB.join(', ')}] (${r.bigSeconds} s): ratio ${r.ratio} (medians of ${r.smallMB.length}; load ${r.load.min}-${r.load.max})`);
  console.log(JSON.stringify({ bench: 'scale rss', ...r }));
}
if (!only.has('scale')) {
  if (!values.reuse) fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

const dbFile = values.reuse ? path.join(dir, 'gangflash.db') : (await lotFixture({ dir, devices: lotSize, programmers: 8, sites: 16, imageBytes: 4096, serial: 'SC0000000001@0x100000', sim: { speed: 'unlimited', linkLostRate: 0.002 } })).dbFile;
if (!values.reuse) {
  const db = openDb(dbFile, { create: false });
  db.prepare('UPDATE adapters SET override_life = 1').run();
  db.close();
}

/** Adds lot `id` of the fixture's job: reels of 2,500 devices. */
function addLot(id: string, devices: number): void {
  const csv = path.join(dir, `${id}.csv`);
  const rows = ['lot,reel,part,quantity,date_code,job'];
  for (let r = 0, left = devices; left > 0; r++, left -= 2500) rows.push(`${id},R${r + 1},KLM8G1GETF-B041,${Math.min(2500, left)},2447,job`);
  fs.writeFileSync(csv, rows.join('\n') + '\n');
  const db = openDb(dbFile, { create: false });
  try {
    importReels(db, csv);
  } finally {
    db.close();
  }
}

const small = path.join(dir, 'small.db');
const t0 = Date.now();
let built = 0;
for (let i = 1; !values.reuse && built < total; i++) {
  const id = `LOT-${i}`;
  if (i > 1) addLot(id, Math.min(lotSize, total - built));
  // A bench of reads, not of site health: sites are never disabled by failure streaks over a million devices.
  const { end } = await runLotService({ dbFile, lot: id, siteFailLimit: 1_000_000 });
  if (end !== 'done') throw new Error(`building: lot ${id} ended ${end}`);
  built += Math.min(lotSize, total - built);
  if (i === 1) {
    const db = openDb(dbFile, { create: false });
    await db.backup(small);
    db.close();
  }
  if (i % 10 === 0) say(`built ${built} devices in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}
const counts = (() => {
  const db = openDb(dbFile, { create: false });
  try {
    return { devices: db.prepare('SELECT count(*) FROM devices').pluck().get() as number, attempts: db.prepare('SELECT count(*) FROM attempts').pluck().get() as number, bytes: fs.statSync(dbFile).size };
  } finally {
    db.close();
  }
})();
say(`database: ${counts.devices} devices, ${counts.attempts} attempts, ${(counts.bytes / 1e6).toFixed(0)} MB, built in ${((Date.now() - t0) / 1000).toFixed(0)} s`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function timeCmd(args: string[]): number {
  const s = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - s) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const planImage = path.join(dir, 'image.bin');
const commands: [string, string[]][] = [
  ['--version', ['--version']],
  ['chips', ['chips']],
  ['lot show LOT-1', ['lot', 'show', 'LOT-1']],
  ['stats yield --by lot', ['stats', 'yield', '--by', 'lot']],
  ['stats yield --by site', ['stats', 'yield', '--by', 'site']],
  ['stats yield --by failure', ['stats', 'yield', '--by', 'failure']],
  ['stats yield --by adapter', ['stats', 'yield', '--by', 'adapter']],
  ['plan', ['plan', '--chip', 'KLM8G1GETF-B041', '--qty', '20000', '--image', planImage]],
  ['adapters inventory', ['adapters', 'inventory']],
  ['adapters forecast', ['adapters', 'forecast']],
  ['report lot LOT-1 --format csv', ['report', 'lot', 'LOT-1', '--format', 'csv']],
];
const rows: { command: string; smallMs: number; bigMs: number; ratio: number; load: number }[] = [];
const nodeMs: number[] = [];
for (const [name, args] of commands) {
  const s: number[] = [];
  const b: number[] = [];
  const l0 = load();
  for (let k = 0; k < runs; k++) {
    // Interleaved, order rotating each round, so load drifts hit both alike.
    const order = k % 2 === 0 ? [small, dbFile] : [dbFile, small];
    for (const db of order) (db === small ? s : b).push(timeCmd([bin, '--db', db, ...args]));
    if (name === '--version') nodeMs.push(timeCmd(['-e', '0']));
  }
  rows.push({ command: name, smallMs: Math.round(median(s)), bigMs: Math.round(median(b)), ratio: +(median(b) / median(s)).toFixed(2), load: l0 });
  say(`${name}: ${rows.at(-1)!.smallMs} ms vs ${rows.at(-1)!.bigMs} ms`);
}

/** Starts `serve` on a database and returns its base URL and a stop function. */
async function serve(db: string, port: number): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, [bin, '--db', db, 'serve', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/api/chips`)).ok) return { url, stop: () => child.kill() };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`serve on ${db} did not start`);
}
const endpoints = ['/api/farm', '/api/lots', '/api/lots/LOT-1', '/api/adapters', `/api/plan?chip=KLM8G1GETF-B041&qty=20000&imageBytes=4096`];
const [sv, bv] = [await serve(small, 17071), await serve(dbFile, 17072)];
for (const ep of endpoints) {
  const s: number[] = [];
  const b: number[] = [];
  const l0 = load();
  for (let k = 0; k < runs; k++) {
    for (const [srv, acc] of [[sv, s], [bv, b]] as const) {
      const st = performance.now();
      const r = await fetch(srv.url + ep);
      await r.text();
      acc.push(performance.now() - st);
    }
  }
  rows.push({ command: `GET ${ep}`, smallMs: Math.round(median(s)), bigMs: Math.round(median(b)), ratio: +(median(b) / median(s)).toFixed(2), load: l0 });
}
sv.stop();
bv.stop();

// Start-up on the big database against the bare runtime, medians of the same interleaved rounds.
const node = median(nodeMs);
const startup = {
  nodeMs: Math.round(node),
  versionMs: rows[0].bigMs,
  chipsMs: rows[1].bigMs,
  versionRatio: +(rows[0].bigMs / node).toFixed(2),
  chipsRatio: +(rows[1].bigMs / node).toFixed(2),
  load: rows[0].load,
};

/** Runs lot `id` with `run --json` in a process of its own: when each device finished for good, and its peak RSS. */
async function runSerialLot(id: string): Promise<{ ends: number[]; peakMB: number; load: number }> {
  const l0 = load();
  const m = withPeakRss(['--db', dbFile, 'run', '--lot', id, '--json', '--site-fail-limit', '100000000']);
  const child = spawn(process.execPath, m.argv, { env: m.env, stdio: ['ignore', 'pipe', 'inherit'] });
  const ends: number[] = [];
  let buf = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (line.includes('"device-result"') && line.includes('"final":true')) ends.push(Date.now());
    }
  });
  const code = await new Promise<number | null>((r) => child.on('close', r));
  if (code !== 0) say(`lot ${id} ended with exit ${code}`);
  return { ends, peakMB: m.peakMB(), load: +((l0 + load()) / 2).toFixed(1) };
}

// Serialized lots on the big database: run memory 10k vs --serial-lot, the serial path's rate over the big lot, and
// the report's memory for both lots.
let serialRate: { lot: number; firstPerSecond: number; lastPerSecond: number; ratio: number; load: number } | undefined;
let runRss: { smallLot: number; smallMB: number; bigLot: number; bigMB: number; ratio: number; load: number } | undefined;
const reportRss: { format: string; smallLotMB: number; bigLotMB: number; load: number }[] = [];
if (serialLot > 0) {
  // Sites a previous lot's failure streaks disabled are enabled again, as an operator would after a check.
  {
    const db = openDb(dbFile, { create: false });
    for (const s of listSites(db).filter((x) => !x.enabled)) setSiteEnabled(db, `${s.programmer}:${s.site}`, true, 'bench: serialized lot', 'bench');
    db.close();
  }
  const stamp = Date.now();
  const [smallId, bigId] = [`SERIAL-10K-${stamp}`, `SERIAL-LOT-${stamp}`];
  addLot(smallId, 10_000);
  addLot(bigId, serialLot);
  const smallRun = await runSerialLot(smallId);
  say(`run of ${smallId}: peak RSS ${smallRun.peakMB} MB (load ${smallRun.load})`);
  const bigRun = await runSerialLot(bigId);
  say(`run of ${bigId}: peak RSS ${bigRun.peakMB} MB (load ${bigRun.load})`);
  runRss = { smallLot: smallRun.ends.length, smallMB: smallRun.peakMB, bigLot: bigRun.ends.length, bigMB: bigRun.peakMB, ratio: +(bigRun.peakMB / smallRun.peakMB).toFixed(2), load: bigRun.load };
  const ends = bigRun.ends;
  const w = Math.min(30_000, Math.floor(ends.length / 3));
  const rate = (a: number, b: number) => w / Math.max(0.001, (ends[b] - ends[a]) / 1000);
  const first = rate(0, w - 1);
  const last = rate(ends.length - w, ends.length - 1);
  serialRate = { lot: ends.length, firstPerSecond: Math.round(first), lastPerSecond: Math.round(last), ratio: +(last / first).toFixed(2), load: bigRun.load };
  for (const format of ['html', 'json', 'csv']) {
    const l0 = load();
    const small = peakRss(['--db', dbFile, 'report', 'lot', smallId, '--format', format]);
    const big = peakRss(['--db', dbFile, 'report', 'lot', bigId, '--format', format]);
    reportRss.push({ format, smallLotMB: small, bigLotMB: big, load: l0 });
    say(`report lot --format ${format}: peak RSS ${small} MB (10k) vs ${big} MB (${serialLot})`);
  }
}

console.table(rows);
console.log(`start-up on the big database: --version ${startup.versionMs} ms = ${startup.versionRatio}x node -e 0 (${startup.nodeMs} ms), chips ${startup.chipsMs} ms = ${startup.chipsRatio}x (load ${startup.load})`);
if (runRss) console.log(`run peak RSS: ${runRss.smallMB} MB for ${runRss.smallLot} devices, ${runRss.bigMB} MB for ${runRss.bigLot}: ratio ${runRss.ratio} (load ${runRss.load})`);
if (serialRate) console.log(`serialized lot of ${serialRate.lot}: ${serialRate.firstPerSecond} devices/s in its first 30,000, ${serialRate.lastPerSecond} in its last: ratio ${serialRate.ratio} (load ${serialRate.load})`);
if (reportRss.length > 0) console.table(reportRss);
console.log(JSON.stringify({ bench: 'scale', database: counts, nodeMs: Math.round(node), rows, startup, runRss, serialRate, reportRss }));
if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
else say(`kept ${dir}`);
