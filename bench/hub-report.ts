// npm run bench:hub-report [-- --small 10000 --big 200000]
// Peak RSS and wall time of `report lot L --hub --format csv|json|html --out FILE` (a child process, /usr/bin/time) for a
// small and a big lot on one hub (PostgreSQL 127.0.0.1:5432, user postgres), both measured in this run, and their
// ratio: the device rows stream through a server-side cursor, so memory should not follow the lot's size.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openHub } from '../src/hub/connection.js';
import { migrateHub } from '../src/hub/migrations.js';
import { root } from '../test/helpers/cli.js';

const { values } = parseArgs({ options: { small: { type: 'string', default: '10000' }, big: { type: 'string', default: '200000' } } });
const LOTS = { SMALL: Number(values.small), BIG: Number(values.big) };
const admin = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' };
const name = `gangflash_bench_report_${process.pid}`;
const url = `postgres://postgres@127.0.0.1:5432/${name}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gangflash-bench-hub-report-'));

async function sql(database: string, text: string): Promise<void> {
  const c = new pg.Client({ ...admin, database });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

/** One lot per entry of LOTS on one reel, one attempt per device, every 50th failing, as a station would upload them. */
async function fill(): Promise<void> {
  await sql('postgres', `CREATE DATABASE ${name}`);
  const hub = openHub(url);
  await migrateHub(hub);
  await hub.close();
  const lots = Object.entries(LOTS).map(([l, n]) => `('${l}', ${n})`).join(', ');
  await sql(name, `
    INSERT INTO images VALUES (repeat('ab', 32), 'raw', 4096);
    INSERT INTO jobs (name, version, chip, image_sha256, manifest, released_by) VALUES ('job', 1, 'CHIP', repeat('ab', 32), '{}', 'bench');
    INSERT INTO stations (name, journal_id, host, pid) VALUES ('S1', 'j', 'h', 1);
    INSERT INTO programmers VALUES ('P1', 'S1', 'p1', 'sim', 'SIM', 8);
    INSERT INTO lots (id, job_id, chip) SELECT l, 1, 'CHIP' FROM (VALUES ${lots}) v(l, n);
    INSERT INTO reels (lot_id, reel_id, part, quantity, date_code, state, station, epoch) SELECT l, 'R1', 'CHIP', n, '2650', 'held', 'S1', 1 FROM (VALUES ${lots}) v(l, n);
    INSERT INTO devices (lot_id, reel_id, seq, result, failure_code, serial, station, epoch, finished_at)
      SELECT l, 'R1', g, CASE WHEN g % 50 = 0 THEN 'fail' ELSE 'pass' END, CASE WHEN g % 50 = 0 THEN 'verify-mismatch' END, 'SN' || g, 'S1', 1,
             to_char(timestamp '2026-03-01' + g * interval '100 ms', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
        FROM (VALUES ${lots}) v(l, n), generate_series(1, v.n) g;
    INSERT INTO attempts (id, station, lot_id, reel_id, seq, attempt, programmer, site, started_at, ended_at, result, failure_code, stage, serial, epoch, operator)
      SELECT gen_random_uuid(), 'S1', lot_id, reel_id, seq, 1, 'P1', seq % 8, finished_at, finished_at, result, failure_code,
             CASE WHEN result = 'fail' THEN 'verify' END, serial, 1, 'bench' FROM devices;
    INSERT INTO lot_totals (lot_id, station, attempts, devices, passed, failed)
      SELECT lot_id, 'S1', count(*), count(*), count(*) FILTER (WHERE result = 'pass'), count(*) FILTER (WHERE result = 'fail') FROM devices GROUP BY lot_id;
    ANALYZE;`);
}

/** Peak RSS (MB) and wall seconds of one report written to a file. */
function measure(lot: string, format: string): { mb: number; s: number } {
  const out = path.join(dir, `${lot}.${format}`);
  // The shipped code (bin/gangflash.js runs dist/, built by the npm script), not the sources through tsx: the
  // TypeScript loader's own memory is no part of a report's.
  const r = spawnSync('/usr/bin/time', ['-f', '%M %e', process.execPath, path.join(root, 'bin/gangflash.js'), 'report', 'lot', lot, '--hub', url, '--format', format, '--out', out], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`report ${lot} ${format} failed: ${r.stderr}`);
  const [kb, s] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { mb: kb / 1024, s };
}

try {
  await fill();
  console.log(`| format | ${LOTS.SMALL.toLocaleString('en')} devices | ${LOTS.BIG.toLocaleString('en')} devices | RSS ratio | time ratio | load |`);
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const format of ['csv', 'json', 'html']) {
    const small = measure('SMALL', format);
    const big = measure('BIG', format);
    const f = (m: { mb: number; s: number }) => `${m.mb.toFixed(0)} MB, ${m.s.toFixed(1)} s`;
    console.log(`| ${format} | ${f(small)} | ${f(big)} | ${(big.mb / small.mb).toFixed(2)} | ${(big.s / small.s).toFixed(1)} | ${os.loadavg()[0].toFixed(1)} |`);
  }
} finally {
  await sql('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
  fs.rmSync(dir, { recursive: true, force: true });
}
