// npm run chaos [-- --faults 50 --seed 1 --devices 4000 --speed 0.02 --keep]
// Runs a lot on the sim farm while injecting seeded faults between and inside runs of the real CLI: SIGKILL, Ctrl-C,
// programmer links dropping, a full disk, a corrupted image file. Resumes after each; checks the lot's invariants
// after every fault and at the end; prints what was injected and survived (a table and one JSON line).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { lotFixture } from '../test/helpers/lot-fixture.js';
import { spawnCli } from '../test/reliability/spawn-cli.js';
import { mountSmallFs } from '../test/reliability/small-fs.js';
import { Prng } from './chaos/prng.js';
import { FAULT_KINDS, inject, type ChaosContext, type FaultKind, type FaultOutcome } from './chaos/faults.js';
import { checkLot, countersMatchRows } from './chaos/invariants.js';
import { STORAGE_KINDS, injectStorage, type StorageKind } from './chaos/storage-faults.js';

const { values } = parseArgs({
  options: {
    faults: { type: 'string', default: '50' },
    seed: { type: 'string', default: '1' },
    devices: { type: 'string', default: '4000' },
    speed: { type: 'string', default: '0.02' },
    keep: { type: 'boolean', default: false },
  },
});
const faults = Number(values.faults);
const seed = Number(values.seed);
const rng = new Prng(seed);
const log = (s: string) => process.stderr.write(`${s}\n`);

const small = mountSmallFs(128 * 1024);
const skipped: string[] = [];
if (small.dir === null) skipped.push(`disk-full: ${small.reason}`);
const base = small.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'gangflash-chaos-'));
// Unmount / remove the work folder however the run ends (an exception included), unless --keep.
let cleaned = false;
const cleanup = () => {
  if (cleaned || values.keep) return;
  cleaned = true;
  if (small.dir !== null) small.unmount();
  else fs.rmSync(base, { recursive: true, force: true });
};
process.on('exit', cleanup);
const serial = { start: 1, step: 1 };
const { dbFile, lot, image } = await lotFixture({
  dir: path.join(base, 'lot'),
  devices: Number(values.devices),
  programmers: 4,
  sites: 8,
  imageBytes: 16 << 10,
  serial: 'CH000001@0x100000',
  sim: { linkLostRate: 0.01 },
});

// Farm files: the normal one (sim link loss on at 1 %) and, for link-loss phases, one whose links drop often.
const db = new Database(dbFile, { readonly: true });
const programmers = (db.prepare('SELECT name, driver, model, serial, sites, options FROM programmers ORDER BY name').all() as { name: string; driver: string; model: string; serial: string; sites: number; options: string }[]).map((p, i) => ({
  ...p,
  options: JSON.parse(p.options) as Record<string, unknown>,
  adapters: Array.from({ length: p.sites }, (_, s) => `A-${i + 1}-${s}`),
}));
db.close();
const writeFarm = (name: string, linkLostRate: number) => {
  const f = path.join(base, 'lot', name);
  fs.writeFileSync(f, JSON.stringify({ programmers: programmers.map((p) => ({ ...p, options: { ...p.options, linkLostRate } })) }, null, 2));
  return f;
};
const ctx: ChaosContext = {
  dbFile,
  lot,
  image,
  farm: writeFarm('farm.json', 0.01),
  lossyFarm: (rate) => writeFarm('farm-lossy.json', rate),
  smallFs: small.dir === null ? null : path.join(base, 'lot'),
  speed: values.speed,
  rng,
};

// The schedule: every kind once (in a seeded order), then seeded picks weighted towards kills.
type Kind = FaultKind | StorageKind;
const isStorage = (k: Kind): k is StorageKind => (STORAGE_KINDS as readonly string[]).includes(k);
const kinds: Kind[] = [...FAULT_KINDS, ...STORAGE_KINDS].filter((k) => (k !== 'disk-full' && k !== 'store-full' && k !== 'store-ro') || ctx.smallFs !== null);
const weighted: Kind[] = kinds.flatMap((k) => Array<Kind>(k === 'kill' ? 3 : k === 'interrupt' || isStorage(k) ? 1 : 2).fill(k));
const schedule = [...rng.shuffle(kinds), ...Array.from({ length: Math.max(0, faults - kinds.length) }, () => rng.pick(weighted))].slice(0, faults);

const outcomes: (Omit<FaultOutcome, 'kind'> & { kind: Kind; violations: string[]; rows: number })[] = [];
log(`chaos: seed ${seed}, ${faults} faults on a lot of ${values.devices} devices (4 sim programmers x 8 sites) in ${base}${small.dir ? ` (tmpfs)` : ''}`);
for (const [i, kind] of schedule.entries()) {
  const o = isStorage(kind) ? { ...(await injectStorage(kind, ctx, small.dir)), kind } : await inject(kind, ctx);
  const s = checkLot(dbFile, lot, serial);
  outcomes.push({ ...o, violations: s.violations, rows: s.devices });
  const ok = o.expected && s.violations.length === 0;
  log(`#${String(i + 1).padStart(2)} ${kind.padEnd(9)} ${o.detail} -> exit ${o.exit} ${ok ? 'ok' : `FAILED: ${[o.problem, ...s.violations].filter(Boolean).join('; ')}`} (${s.devices}/${s.planned} rows)`);
}

// Resume with no fault until the lot is done.
let final = { code: -1, done: undefined as Record<string, number> | undefined, runs: 0 };
while (final.code !== 0 && final.runs < 5) {
  // Streamed, not spawnSync: the NDJSON of a whole lot outgrows a sync pipe buffer.
  const r = spawnCli(['--db', dbFile, 'run', '--lot', lot, '--json', '--speed', 'unlimited', '--farm', ctx.farm]);
  const code = await r.exit;
  const done = r.stdout().split('\n').filter((l) => l.includes('"type":"lot-done"')).map((l) => JSON.parse(l) as Record<string, number>)[0];
  final = { code: typeof code === 'number' ? code : -1, done, runs: final.runs + 1 };
  if (code !== 0) log(`resume run ${final.runs}: exit ${code}: ${r.stderr().trim().slice(0, 300)}`);
}
const end = checkLot(dbFile, lot, serial, true);
const checks: Record<string, string[]> = {
  'final run exit 0': final.code === 0 ? [] : [`exit ${final.code} after ${final.runs} resume runs`],
  'device rows = lot quantity': end.devices === end.planned ? [] : [`${end.devices} rows, quantity ${end.planned}`],
  'invariants (integrity, duplicates, serials, failure codes)': end.violations,
  'counters = rows': [
    ...countersMatchRows(dbFile, lot, end),
    ...(final.done && (final.done.passed !== end.passed || final.done.failed !== end.failed) ? [`lot-done event says ${final.done.passed}/${final.done.failed}, rows ${end.passed}/${end.failed}`] : []),
  ],
};

const byKind = Object.fromEntries(kinds.map((k) => [k, { injected: 0, survived: 0 }]));
for (const o of outcomes) {
  byKind[o.kind].injected++;
  if (o.expected && o.violations.length === 0) byKind[o.kind].survived++;
}
const failedFaults = outcomes.filter((o) => !(o.expected && o.violations.length === 0));
const failedChecks = Object.entries(checks).filter(([, v]) => v.length > 0);
const ok = failedFaults.length === 0 && failedChecks.length === 0;

console.log('\nfault        injected  survived');
for (const [k, v] of Object.entries(byKind)) console.log(`${k.padEnd(12)} ${String(v.injected).padStart(8)}  ${String(v.survived).padStart(8)}`);
console.log(`${'total'.padEnd(12)} ${String(outcomes.length).padStart(8)}  ${String(outcomes.length - failedFaults.length).padStart(8)}`);
for (const s of skipped) console.log(`skipped ${s}`);
console.log('\ncheck                                                      result');
for (const [k, v] of Object.entries(checks)) console.log(`${k.padEnd(58)} ${v.length ? `FAIL: ${v.join('; ')}` : 'ok'}`);
console.log(`\nlot: ${end.devices} devices (${end.passed} passed, ${end.failed} failed), ${end.attempts} insertions, ${final.runs} resume run(s) after the faults`);
console.log(
  JSON.stringify({
    chaos: {
      seed,
      faults: outcomes.length,
      survived: outcomes.length - failedFaults.length,
      byKind,
      skipped,
      lot: { planned: end.planned, devices: end.devices, passed: end.passed, failed: end.failed, attempts: end.attempts },
      checks: Object.fromEntries(Object.entries(checks).map(([k, v]) => [k, v.length ? v : 'ok'])),
      failedFaults: failedFaults.map((o) => ({ kind: o.kind, detail: o.detail, exit: o.exit, problem: o.problem, violations: o.violations })),
      ok,
    },
  }),
);

if (values.keep) log(`kept ${base}`);
cleanup();
process.exitCode = ok ? 0 : 1;
