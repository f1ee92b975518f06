// npm run bench:hub [-- --reels 16 --quantity 250 --stations 1,2,4 --rounds 2]
// Stations of a PostgreSQL hub (127.0.0.1:5432, user postgres) on a sim farm (2 programmers × 8 sites, unlimited speed,
// 4 KiB image): attempts recorded per second on the hub with 1, 2 and 4 station processes on one lot, the upload lag
// (attempt ended on the station → row on the hub) p50/p99, and the cost per device of the hub bookkeeping next to
// the station journal alone (the same lot run in this process without and with a hub, alternating, CPU and wall).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { runLotService } from '../src/scheduler/lot-service.js';
import { StationSupply } from '../src/station/run-supply.js';
import { openHub } from '../src/hub/connection.js';
import { migrateHub } from '../src/hub/migrations.js';
import { lotTotals } from '../src/hub/store/totals.js';
import { lotFixture } from '../test/helpers/lot-fixture.js';
import { root, runCli } from '../test/helpers/cli.js';

const { values } = parseArgs({ options: { reels: { type: 'string', default: '16' }, quantity: { type: 'string', default: '250' }, stations: { type: 'string', default: '1,2,4' }, rounds: { type: 'string', default: '2' } } });
const REELS = Number(values.reels);
const QUANTITY = Number(values.quantity);
const DEVICES = REELS * QUANTITY;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gangflash-bench-hub-'));
const admin = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' };
const made: string[] = [];

/** A fresh hub database, migrated; dropped at the end. */
async function freshHub(tag: string): Promise<string> {
  const name = `gangflash_bench_${tag}_${process.pid}`;
  const c = new pg.Client(admin);
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  made.push(name);
  const url = `postgres://postgres@127.0.0.1:5432/${name}`;
  const hub = openHub(url);
  await migrateHub(hub);
  await hub.close();
  return url;
}

/** A station journal with the lot LOT-1 of REELS × QUANTITY devices (the same job and image on every station). */
async function journal(tag: string): Promise<string> {
  const { dbFile } = await lotFixture({ dir: path.join(dir, tag), devices: QUANTITY, programmers: 2, sites: 8, imageBytes: 4096, serial: 'HB000001@0x100000', sim: { speed: 'unlimited', linkLostRate: 0 } });
  if (REELS > 1) {
    const csv = path.join(dir, tag, 'reels.csv');
    const rows = Array.from({ length: REELS - 1 }, (_, i) => `LOT-1,R${String(i + 2).padStart(3, '0')},KLM8G1GETF-B041,${QUANTITY},2447,job`);
    fs.writeFileSync(csv, `lot,reel,part,quantity,date_code,job\n${rows.join('\n')}\n`);
    if (runCli(['--db', dbFile, 'lot', 'import', csv]).code !== 0) throw new Error('lot import failed');
  }
  return dbFile;
}

/** Runs the lot in this process (no hub, or as station B1 of `url`): wall and CPU seconds. */
async function inProcess(dbFile: string, url: string | null): Promise<{ wall: number; cpu: number; end: string }> {
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const station = url ? new StationSupply({ hubUrl: url, station: 'B1', busySeconds: 60 }, 'LOT-1') : undefined;
  const r = await runLotService({ dbFile, lot: 'LOT-1', supply: station?.connect });
  const cpu = process.cpuUsage(cpu0);
  // A station is finished when the hub has no free reel left for it and nothing waits to upload (the CLI's exit 0).
  const finished = station ? r.end === 'out-of-work' && station.link?.outOfWork === 'no-reels' && !r.supplyWaiting : r.end === 'done';
  return { wall: Number(process.hrtime.bigint() - t0) / 1e9, cpu: (cpu.user + cpu.system) / 1e6, end: finished ? 'finished' : r.end };
}

/** N station processes on one lot: the hub's attempts per second over the whole run, and the upload lag. */
async function stations(n: number): Promise<{ n: number; seconds: number; attempts: number; perSecond: number; steady: number; p50: number; p99: number; bytesPerDevice: number }> {
  const url = await freshHub(`s${n}`);
  const dbs: string[] = [];
  for (let i = 1; i <= n; i++) dbs.push(await journal(`n${n}-s${i}`));
  if (runCli(['--db', dbs[0], 'hub', 'publish', '--lot', 'LOT-1', '--hub', url]).code !== 0) throw new Error('hub publish failed');
  const t0 = Date.now();
  const codes = await Promise.all(
    dbs.map(
      (db, i) =>
        new Promise<number | null>((resolve) => {
          const c = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/entry.ts'), '--db', db, 'run', '--lot', 'LOT-1', '--hub', url, '--station', `S${i + 1}`, '--json'], { cwd: root, stdio: 'ignore' });
          c.once('exit', resolve);
        }),
    ),
  );
  const seconds = (Date.now() - t0) / 1000;
  if (codes.some((c) => c !== 0)) throw new Error(`a station exited ${codes.join(', ')}`);
  const hub = openHub(url);
  const t = (await lotTotals(hub, 'LOT-1'))!;
  if (t.total.devices !== DEVICES) throw new Error(`hub has ${t.total.devices} devices, expected ${DEVICES}`);
  const [lag] = (
    await hub.pool.query(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY l) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY l) AS p99
         FROM (SELECT extract(epoch FROM uploaded_at - ended_at::timestamptz) * 1000 AS l FROM attempts) x`,
    )
  ).rows as { p50: number; p99: number }[];
  // The hub's own pace: attempts over the span between the first and the last upload (station start-up excluded).
  const [span] = (await hub.pool.query(`SELECT extract(epoch FROM max(uploaded_at) - min(uploaded_at)) AS s FROM attempts`)).rows as { s: number }[];
  const [size] = (await hub.pool.query(`SELECT pg_database_size(current_database()) - $1::bigint AS bytes`, [emptyBytes])).rows as { bytes: string }[];
  await hub.close();
  return { n, seconds, attempts: t.total.attempts, perSecond: t.total.attempts / seconds, steady: t.total.attempts / Math.max(0.001, span.s), p50: lag.p50, p99: lag.p99, bytesPerDevice: Number(size.bytes) / DEVICES };
}

/** Bytes of a freshly migrated, empty hub database (subtracted to give the bytes one device costs on the hub). */
let emptyBytes = 0;

try {
  const rounds = Number(values.rounds);
  const alone: { wall: number; cpu: number }[] = [];
  const withHub: { wall: number; cpu: number }[] = [];
  for (let r = 0; r < rounds; r++) {
    const a = await inProcess(await journal(`alone-${r}`), null);
    const db = await journal(`hub-${r}`);
    const url = await freshHub(`one${r}`);
    if (runCli(['--db', db, 'hub', 'publish', '--lot', 'LOT-1', '--hub', url]).code !== 0) throw new Error('hub publish failed');
    const h = await inProcess(db, url);
    if (a.end !== 'finished' || h.end !== 'finished') throw new Error(`runs ended ${a.end} / ${h.end}`);
    alone.push(a);
    withHub.push(h);
  }
  const mean = (xs: { wall: number; cpu: number }[], k: 'wall' | 'cpu') => xs.reduce((s, x) => s + x[k], 0) / xs.length;
  const us = (s: number) => ((s / DEVICES) * 1e6).toFixed(0);
  console.log(`lot: ${REELS} reels × ${QUANTITY} devices, 2 sim programmers × 8 sites, unlimited speed, 4 KiB image; ${rounds} round(s), alternating`);
  console.log(`one station, journal alone : ${(DEVICES / mean(alone, 'wall')).toFixed(0)} devices/s, ${us(mean(alone, 'wall'))} µs wall and ${us(mean(alone, 'cpu'))} µs CPU per device`);
  console.log(`one station, with the hub  : ${(DEVICES / mean(withHub, 'wall')).toFixed(0)} devices/s, ${us(mean(withHub, 'wall'))} µs wall and ${us(mean(withHub, 'cpu'))} µs CPU per device (hub bookkeeping ×${(mean(withHub, 'cpu') / mean(alone, 'cpu')).toFixed(2)} CPU, ×${(mean(withHub, 'wall') / mean(alone, 'wall')).toFixed(2)} wall; PostgreSQL's own CPU not counted)`);
  {
    const url = await freshHub('empty');
    const hub = openHub(url);
    emptyBytes = Number((await hub.pool.query(`SELECT pg_database_size(current_database()) AS b`)).rows[0].b);
    await hub.close();
  }
  for (const n of values.stations.split(',').map(Number)) {
    const s = await stations(n);
    console.log(`${n} station process(es)      : ${s.attempts} attempts on the hub in ${s.seconds.toFixed(1)} s = ${s.perSecond.toFixed(0)} attempts/s with start-up, ${s.steady.toFixed(0)} attempts/s between first and last upload; upload lag p50 ${s.p50.toFixed(0)} ms, p99 ${s.p99.toFixed(0)} ms; ${(s.bytesPerDevice / 1024).toFixed(2)} KiB on the hub per device`);
  }
} finally {
  const c = new pg.Client(admin);
  await c.connect();
  for (const name of made) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await c.end();
  fs.rmSync(dir, { recursive: true, force: true });
}
