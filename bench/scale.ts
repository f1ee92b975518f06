// npm run bench:scale [-- --devices 1000000 --lot 10000 --runs 5]
// Ten years of production in one database: builds it with gangflash's own run path (sim farm, unlimited speed, tiny
// image, serialized job, lots of --lot devices until --devices), keeps a copy after the first lot, then times every
// read command as a whole process on the small database and on the big one (medians, interleaved) and prints the
// ratio big / small, next to `node -e 0`. Also: the serial path's devices/s in the first and last 30,000 devices
// of one big serialized lot (--serial-lot, default 300000; 0 skips it).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runLotCommand } from '../src/cli/run-lot.js';
import { openDb } from '../src/db/open.js';
import { importReels } from '../src/lots/import.js';
import { listSites, setSiteEnabled } from '../src/inventory/sites.js';
import { lotFixture } from '../test/helpers/lot-fixture.js';

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '1000000' },
    lot: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '5' },
    'serial-lot': { type: 'string', default: '300000' },
    keep: { type: 'boolean', default: false },
    /** A folder a previous --keep run left: its databases are measured again without building them. */
    reuse: { type: 'string' },
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
  const code = await runLotCommand({ dbFile, lot: id, mode: 'quiet', siteFailLimit: 1_000_000 });
  if (code !== 0) throw new Error(`building: lot ${id} ended with exit ${code}`);
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
const rows: { command: string; smallMs: number; bigMs: number; ratio: number }[] = [];
const nodeMs: number[] = [];
for (const [name, args] of commands) {
  const s: number[] = [];
  const b: number[] = [];
  for (let k = 0; k < runs; k++) {
    // Interleaved, order rotating each round, so load drifts hit both alike.
    const order = k % 2 === 0 ? [small, dbFile] : [dbFile, small];
    for (const db of order) (db === small ? s : b).push(timeCmd([bin, '--db', db, ...args]));
    if (name === '--version') nodeMs.push(timeCmd(['-e', '0']));
  }
  rows.push({ command: name, smallMs: Math.round(median(s)), bigMs: Math.round(median(b)), ratio: +(median(b) / median(s)).toFixed(2) });
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
  for (let k = 0; k < runs; k++) {
    for (const [srv, acc] of [[sv, s], [bv, b]] as const) {
      const st = performance.now();
      const r = await fetch(srv.url + ep);
      await r.text();
      acc.push(performance.now() - st);
    }
  }
  rows.push({ command: `GET ${ep}`, smallMs: Math.round(median(s)), bigMs: Math.round(median(b)), ratio: +(median(b) / median(s)).toFixed(2) });
}
sv.stop();
bv.stop();

// The serial path over one big lot: devices/s in its first and last 30,000 devices.
let serialRate: { lot: number; firstPerSecond: number; lastPerSecond: number; ratio: number } | undefined;
if (serialLot > 0) {
  // Sites a previous lot's failure streaks disabled are enabled again, as an operator would after a check.
  {
    const db = openDb(dbFile, { create: false });
    for (const s of listSites(db).filter((x) => !x.enabled)) setSiteEnabled(db, `${s.programmer}:${s.site}`, true, 'bench: serialized lot', 'bench');
    db.close();
  }
  const id = `SERIAL-LOT-${Date.now()}`;
  addLot(id, serialLot);
  const child = spawn(process.execPath, [bin, '--db', dbFile, 'run', '--lot', id, '--json', '--site-fail-limit', '100000000'], { stdio: ['ignore', 'pipe', 'inherit'] });
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
  if (code !== 0) say(`the serialized lot ended with exit ${code}`);
  const w = Math.min(30_000, Math.floor(ends.length / 3));
  const rate = (a: number, b: number) => w / Math.max(0.001, (ends[b] - ends[a]) / 1000);
  const first = rate(0, w - 1);
  const last = rate(ends.length - w, ends.length - 1);
  serialRate = { lot: ends.length, firstPerSecond: Math.round(first), lastPerSecond: Math.round(last), ratio: +(last / first).toFixed(2) };
}

console.table(rows);
console.log(JSON.stringify({ bench: 'scale', database: counts, nodeMs: Math.round(median(nodeMs)), rows, serialRate }));
if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
else say(`kept ${dir}`);
