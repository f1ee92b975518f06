// npm run bench:lot [-- --devices 100000 --programmers 8 --sites 16 --mes off|amqp|file|compare] [--threads] [--source]
// A lot on the sim farm at unlimited speed with a tiny image: devices/s and DB rows/s of the whole run, next to
// the rate at which this machine's SQLite commits the same rows one transaction per device (the DB ceiling).
// --mes amqp publishes every CFX message to the local broker (an exchange nobody reads: the broker accepts and drops
// them), --mes file to a folder; --mes compare runs the lot without MES, then with it (amqp when a broker listens on
// 127.0.0.1:5672, else file; --sink amqp|file chooses), alternating --rounds times, and prints the ratios.
// The run is the shipped code (dist/, built by the npm script; its programmer and publisher threads load no tsx);
// --source runs src/ through tsx instead (every thread then compiles its TypeScript as it starts). --threads prints
// each lot's CPU seconds per kind of thread (from /proc) and the WAL's largest size to stderr.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { runLotService as RunLotService } from '../src/scheduler/lot-service.js';
import { openDb } from '../src/db/open.js';
import net from 'node:net';
import { lotFixture, lotRows } from '../test/helpers/lot-fixture.js';
import { OutboxStore } from '../src/store/outbox.js';
import { probeSink } from '../src/mes/probe.js';
import { Publisher } from '../src/mes/publisher.js';
import { sinkOf } from '../src/mes/settings.js';
import { brokerCpuMs } from './broker-cpu.js';

const { values } = parseArgs({
  options: { devices: { type: 'string', default: '100000' }, programmers: { type: 'string', default: '8' }, sites: { type: 'string', default: '16' }, mes: { type: 'string', default: 'off' }, rounds: { type: 'string', default: '2' }, sink: { type: 'string', default: 'auto' }, threads: { type: 'boolean', default: false }, source: { type: 'boolean', default: false } },
});
const dist = new URL('../dist/src/scheduler/lot-service.js', import.meta.url);
if (!values.source && !fs.existsSync(dist)) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.build.json` first (or pass --source)');
const { runLotService } = (await import(values.source ? '../src/scheduler/lot-service.js' : dist.href)) as { runLotService: typeof RunLotService };
const devices = Number(values.devices);
const programmers = Number(values.programmers);
const sites = Number(values.sites);
type MesMode = 'off' | 'amqp' | 'file';
const brokerUp = await new Promise<boolean>((resolve) => {
  const c = net.connect(5672, '127.0.0.1');
  c.once('connect', () => (c.destroy(), resolve(true)));
  c.once('error', () => resolve(false));
});
// A broker that listens but does not take AMQP 1.0 (RabbitMQ without its plugin) would leave every message in the
// outbox and time a lot that publishes nothing: the bench probes it first and stops.
const wantsAmqp = values.mes === 'amqp' || (values.mes === 'compare' && values.sink !== 'file' && (values.sink === 'amqp' || brokerUp));
if (wantsAmqp) {
  const probe = await probeSink({ enabled: true, sink: 'amqp', broker: 'amqp://127.0.0.1:5672', address: `/exchange/amq.topic/gangflash.bench.${process.pid}`, folder: null, handle: 'Bench.Line1.Prog-01', target: null });
  if (!probe.ok) {
    console.error(`bench:lot: the broker on 127.0.0.1:5672 did not accept an AMQP 1.0 message (${probe.error ?? 'refused'}); enable RabbitMQ's plugin (rabbitmq-plugins enable rabbitmq_amqp1_0) or pass --sink file`);
    process.exit(2);
  }
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gangflash-bench-lot-'));

/** Builds a fresh lot (with MES set as asked) and runs it; returns its database and wall time. */
async function lotRun(mes: MesMode, tag: string): Promise<{ threads: ReturnType<ReturnType<typeof threadSampler>['stop']>; dbFile: string; end: string; seconds: number; drainSeconds: number; pendingAtEnd: number; cpuSeconds: number; mainCpuSeconds: number; brokerSeconds: number }> {
  const { dbFile } = await lotFixture({
    dir: path.join(dir, tag),
    devices,
    programmers,
    sites,
    imageBytes: 4096,
    serial: 'BL00000001@0x100000',
    // Realistic fault rates keep retries and failures in the mix; adapters get a high-insertion life so none wears out.
    sim: { speed: 'unlimited', linkLostRate: 0 },
    adapterType: 'emmc-153-11.5x13-clam-1',
    prior: {},
  });
  // Lift the adapters' rated life for the bench: 100,000 devices on 128 clamshell sockets would wear them out.
  const db = openDb(dbFile, { create: false });
  db.prepare("UPDATE adapters SET override_life = 1").run();
  if (mes !== 'off')
    new OutboxStore(db).setConfig({ enabled: true, sink: mes, broker: mes === 'amqp' ? 'amqp://127.0.0.1:5672' : null, address: mes === 'amqp' ? `/exchange/amq.topic/gangflash.bench.${process.pid}` : null, folder: mes === 'file' ? path.join(dir, tag, 'cfx') : null, handle: 'Bench.Line1.Prog-01', target: null });
  db.close();
  const sampler = threadSampler(dbFile);
  const broker0 = brokerCpuMs() ?? 0;
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const main0 = threadCpu();
  process.env.GANGFLASH_MES_DRAIN_MS = '0'; // the run's devices/s, not the drain of its tail
  const { end } = await runLotService({ dbFile, lot: 'LOT-1' });
  const runSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const runCpu = process.cpuUsage(cpu0);
  const mainCpuSeconds = threadCpu() - main0;
  const threads = sampler.stop();
  const brokerSeconds = ((brokerCpuMs() ?? 0) - broker0) / 1000;
  // The messages the run left (its publisher yields to programming) are published now, timed apart, so the figures
  // with the drain say what the lot cost until the MES had every message (devices per CPU-second include its CPU).
  let pendingAtEnd = 0;
  let drainSeconds = 0;
  const drainCpu0 = process.cpuUsage();
  if (mes !== 'off') {
    const ddb = openDb(dbFile, { create: false });
    const store = new OutboxStore(ddb);
    pendingAtEnd = store.pendingCount();
    const d0 = process.hrtime.bigint();
    if (pendingAtEnd > 0) {
      const p = new Publisher(ddb, store.config()!, sinkOf(store.config()!));
      await p.drain(600_000);
      await p.stop();
    }
    drainSeconds = Number(process.hrtime.bigint() - d0) / 1e9;
    ddb.close();
  }
  const drainCpu = process.cpuUsage(drainCpu0);
  const cpu = { user: runCpu.user + drainCpu.user, system: runCpu.system + drainCpu.system };
  if (values.threads) console.error(JSON.stringify({ tag, mes, devices, seconds: +runSeconds.toFixed(2), pendingAtEnd, drainSeconds: +drainSeconds.toFixed(2), ...threads }));
  return { threads, dbFile, end, seconds: runSeconds, drainSeconds, pendingAtEnd, cpuSeconds: (cpu.user + cpu.system) / 1e6, mainCpuSeconds, brokerSeconds };
}

/**
 * CPU seconds per kind of thread (from /proc, sampled every 100 ms: a thread that ends loses its last 100 ms), each
 * worker thread's [start in clock ticks since boot, CPU seconds] (the publisher is the one a MES lot adds) and the
 * WAL's largest size while the lot runs.
 */
function threadSampler(dbFile: string): { stop(): { cpuSecondsByThread: Record<string, number>; walMaxBytes: number; workers: number[][] } } {
  const ticks = new Map<string, { comm: string; t: number; start: number }>();
  const read = () => {
    for (const tid of fs.readdirSync('/proc/self/task')) {
      try {
        const st = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        const comm = st.slice(st.indexOf('(') + 1, st.lastIndexOf(')'));
        const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
        ticks.set(tid, { comm, t: Number(f[11]) + Number(f[12]), start: Number(f[19]) });
      } catch {
        // the thread ended
      }
    }
  };
  read();
  const base = new Map([...ticks].map(([k, v]) => [k, v.t]));
  let walMaxBytes = 0;
  const wal = () => {
    try {
      walMaxBytes = Math.max(walMaxBytes, fs.statSync(`${dbFile}-wal`).size);
    } catch {
      // no WAL yet
    }
  };
  // Sampled only when asked (--threads, --mes compare): the reads cost the main thread ~1 % of its time.
  const timer = values.threads || values.mes === 'compare' ? setInterval(() => (read(), wal()), 100) : undefined;
  return {
    stop() {
      clearInterval(timer);
      read();
      wal();
      const by: Record<string, number> = {};
      for (const [tid, v] of ticks) by[v.comm] = +((by[v.comm] ?? 0) + (v.t - (base.get(tid) ?? 0)) / 100).toFixed(2);
      const workers = [...ticks].filter(([, v]) => v.comm === 'WorkerThread').map(([tid, v]) => [v.start, +((v.t - (base.get(tid) ?? 0)) / 100).toFixed(2)]);
      return { cpuSecondsByThread: by, walMaxBytes, workers };
    },
  };
}

/** CPU seconds of the main thread alone (the recording thread: MES writes there; it publishes on a thread of its own). */
function threadCpu(): number {
  const t = (process as unknown as { threadCpuUsage?: () => { user: number; system: number } }).threadCpuUsage?.();
  return t ? (t.user + t.system) / 1e6 : Number.NaN;
}

// On a shared machine the wall clock moves with other load: the lots alternate (off, on, off, on, …) and the
// comparison also reports CPU seconds per device of this process (every thread) and of its main thread alone (where
// MES writes and publishes, and which bounds devices/s on an idle machine), which other load moves less.
let compare:
  | { mes: MesMode; rounds: number; off: number; on: number; ratio: number; ratioWithDrain: number; drainSeconds: number; cpuRatio: number; medianRatio: number; medianCpuRatio: number; medianMainCpuRatio: number; mainUsPerDevice: { off: number; on: number }; threadUsPerDevice: Record<string, { off: number; on: number }>; walMaxBytes: { off: number; on: number }; brokerUsPerDevice: { off: number; on: number }; pendingAtEnd: number; loadAverage: number[] }
  | undefined;
let main: { dbFile: string; end: string; seconds: number };
if (values.mes === 'compare') {
  const mes: MesMode = values.sink === 'file' || values.sink === 'amqp' ? values.sink : brokerUp ? 'amqp' : 'file';
  const rounds = Number(values.rounds);
  const load0 = os.loadavg()[0];
  const offs: Awaited<ReturnType<typeof lotRun>>[] = [];
  const ons: Awaited<ReturnType<typeof lotRun>>[] = [];
  for (let i = 0; i < rounds; i++) {
    offs.push(await lotRun('off', i === 0 ? 'main' : `off${i}`));
    ons.push(await lotRun(mes, `on${i}`));
  }
  main = offs[0];
  const pendingAtEnd = Math.max(...ons.map((r) => r.pendingAtEnd));
  const dps = (list: typeof offs) => list.reduce((n, r) => n + lotRows(r.dbFile).devices, 0) / list.reduce((t, r) => t + r.seconds, 0);
  const cpd = (list: typeof offs) => list.reduce((t, r) => t + r.cpuSeconds, 0) / list.reduce((n, r) => n + lotRows(r.dbFile).devices, 0);
  // Each round's with/without pair ran back to back under about the same load: the median of the pairs' ratios.
  const median = (xs: number[]) => {
    const v = [...xs].sort((a, b) => a - b);
    return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  };
  const mainCpd = (r: (typeof offs)[number]) => r.mainCpuSeconds / lotRows(r.dbFile).devices;
  const pairs = offs.map((off, i) => ({ ratio: dps([ons[i]]) / dps([off]), cpu: cpd([off]) / cpd([ons[i]]), main: mainCpd(off) / mainCpd(ons[i]) }));
  compare = {
    mes,
    rounds,
    off: Math.round(dps(offs)),
    on: Math.round(dps(ons)),
    ratio: +(dps(ons) / dps(offs)).toFixed(3),
    // Until the MES had every message: the run and the drain of what it left, against the lot without MES.
    ratioWithDrain: +(ons.reduce((n, r) => n + lotRows(r.dbFile).devices, 0) / ons.reduce((t, r) => t + r.seconds + r.drainSeconds, 0) / dps(offs)).toFixed(3),
    drainSeconds: +median(ons.map((r) => r.drainSeconds)).toFixed(2),
    cpuRatio: +(cpd(offs) / cpd(ons)).toFixed(3),
    medianRatio: +median(pairs.map((p) => p.ratio)).toFixed(3),
    medianCpuRatio: +median(pairs.map((p) => p.cpu)).toFixed(3),
    medianMainCpuRatio: +median(pairs.map((p) => p.main)).toFixed(3),
    // µs of main-thread CPU per device, the median of the rounds (what MES adds to the thread that records the run).
    mainUsPerDevice: { off: +(median(offs.map(mainCpd)) * 1e6).toFixed(1), on: +(median(ons.map(mainCpd)) * 1e6).toFixed(1) },
    // µs of CPU per device by kind of thread (median of the rounds): MainThread records, WorkerThread are the programmer
    // sessions and (with MES) the publisher, V8Worker is V8's helpers (concurrent GC and compilation of every isolate).
    threadUsPerDevice: Object.fromEntries(
      ['MainThread', 'WorkerThread', 'V8Worker'].map((k) => {
        const us = (list: typeof offs) => +(median(list.map((r) => (r.threads.cpuSecondsByThread[k] ?? 0) / lotRows(r.dbFile).devices)) * 1e6).toFixed(1);
        return [k, { off: us(offs), on: us(ons) }];
      }),
    ),
    // The largest the WAL grew during a lot (sampled every 100 ms), the largest of the rounds.
    walMaxBytes: { off: Math.max(...offs.map((r) => r.threads.walMaxBytes)), on: Math.max(...ons.map((r) => r.threads.walMaxBytes)) },
    // µs of the local broker's CPU per device while the lot ran (median of the rounds): it shares the lot's cores.
    brokerUsPerDevice: { off: +(median(offs.map((r) => r.brokerSeconds / lotRows(r.dbFile).devices)) * 1e6).toFixed(1), on: +(median(ons.map((r) => r.brokerSeconds / lotRows(r.dbFile).devices)) * 1e6).toFixed(1) },
    pendingAtEnd,
    // The 1-minute load average before and after: other load on the machine moves the wall-clock figures.
    loadAverage: [+load0.toFixed(2), +os.loadavg()[0].toFixed(2)],
  };
} else main = await lotRun(values.mes as MesMode, 'main');
const { dbFile, end, seconds } = main;
const rows = lotRows(dbFile);
const db = openDb(dbFile, { create: false });
const serialRows = db.prepare('SELECT count(*) FROM serial_ledger').pluck().get() as number;
db.close();
const dbRows = rows.devices + rows.attempts + serialRows;

// Ceiling: the same kinds of rows committed one transaction per device, nothing else running.
const ceilFile = path.join(dir, 'ceiling.db');
const cdb = openDb(ceilFile);
cdb.exec(`INSERT INTO chips SELECT * FROM (SELECT 'X','v','emmc','BGA153',11.5,13,0.5,1,'00','{}','{}',0,'s','f');
  INSERT INTO images VALUES ('00','/x','raw',1,'t'); INSERT INTO jobs (name, version, chip, image_sha256, spec) VALUES ('j',1,'X','00','{}');
  INSERT INTO lots (id, job_id, chip) VALUES ('L', 1, 'X'); INSERT INTO programmers (name, driver, model, serial, sites) SELECT 'p','sim','m','s',1 WHERE 0;`);
cdb.pragma('foreign_keys = OFF');
cdb.exec(`INSERT INTO programmer_leases (programmer_id, epoch, holder) VALUES (1, 1, 'bench')`);
const insA = cdb.prepare(`INSERT INTO attempts (lot_id, reel_id, seq, attempt, programmer_id, site, adapter_id, started_at, ended_at, result, lease_epoch) VALUES ('L','R',?,1,1,0,NULL,'t','t','pass',1)`);
const insD = cdb.prepare(`INSERT INTO devices (lot_id, reel_id, seq, result, serial) VALUES ('L','R',?, 'pass', ?)`);
const tx = cdb.transaction((i: number) => {
  insA.run(i);
  insD.run(i, `S${i}`);
});
const n = Math.min(devices, 50_000);
const c0 = process.hrtime.bigint();
for (let i = 1; i <= n; i++) tx(i);
const ceilSeconds = Number(process.hrtime.bigint() - c0) / 1e9;
cdb.close();

const result = {
  bench: 'lot',
  end,
  devices: rows.devices,
  passed: rows.passed,
  failed: rows.failed,
  attempts: rows.attempts,
  farm: `${programmers}x${sites}`,
  seconds: +seconds.toFixed(2),
  devicesPerSecond: Math.round(rows.devices / seconds),
  dbRowsPerSecond: Math.round(dbRows / seconds),
  sqliteCeilingDevicesPerSecond: Math.round(n / ceilSeconds),
  shareOfCeiling: +((rows.devices / seconds) / (n / ceilSeconds)).toFixed(3),
  integrity: rows.integrity,
  cpus: os.cpus().length,
  mes: compare ?? values.mes,
};
console.log(JSON.stringify(result));
console.log(`
lot of ${result.devices} devices on a ${result.farm} sim farm (unlimited speed, 4 KiB image)
  wall time            ${result.seconds} s
  devices/s            ${result.devicesPerSecond}   (target > 2000)
  DB rows/s            ${result.dbRowsPerSecond}   (attempts + devices + serials)
  SQLite ceiling       ${result.sqliteCeilingDevicesPerSecond} devices/s (attempt + device, one transaction each, nothing else)
  run / ceiling        ${result.shareOfCeiling}`);
if (compare)
  console.log(`  MES (${compare.mes}), ${compare.rounds} rounds  ${compare.on} devices/s with, ${compare.off} without: ratio ${compare.ratio} (wall clock; median of the rounds ${compare.medianRatio}); devices per CPU-second with/without: ${compare.cpuRatio} (median ${compare.medianCpuRatio}), per CPU-second of the main (recording) thread: median ${compare.medianMainCpuRatio} (${compare.mainUsPerDevice.on} µs per device with, ${compare.mainUsPerDevice.off} without); CPU µs per device by thread (with/without): ${Object.entries(compare.threadUsPerDevice).map(([k, v]) => `${k} ${v.on}/${v.off}`).join(', ')}; WAL at most ${(compare.walMaxBytes.on / 2 ** 20).toFixed(1)}/${(compare.walMaxBytes.off / 2 ** 20).toFixed(1)} MiB; the local broker's CPU ${compare.brokerUsPerDevice.on}/${compare.brokerUsPerDevice.off} µs per device; at most ${compare.pendingAtEnd} message(s) waiting at a run's end, published after it in ${compare.drainSeconds} s (median): ratio with that drain ${compare.ratioWithDrain}; load average ${compare.loadAverage.join(' → ')}`);
fs.rmSync(dir, { recursive: true, force: true });
if (end !== 'done' || rows.devices !== devices) process.exitCode = 1;
