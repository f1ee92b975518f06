import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runCli } from '../../test/helpers/cli.js';
import { spawnCli, type BackgroundRun } from '../../test/reliability/spawn-cli.js';
import type { ChaosContext, FaultOutcome } from './faults.js';
import { checkLot } from './invariants.js';

/** Faults against ownership (issue 14): a run paused past its heartbeat, and a second lot on the same farm. */
export const OWNERSHIP_FAULTS = ['pause', 'second-lot'] as const;
/** One ownership fault. */
export type OwnershipFault = (typeof OWNERSHIP_FAULTS)[number];

/** Short lease times so that a pause of a second or two is "past the heartbeat" and past the stale limit. */
const FAST_LEASE = { GANGFLASH_HEARTBEAT_MS: '200', GANGFLASH_LEASE_STALE_MS: '1000' };
const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));
const deviceResults = (r: BackgroundRun) => r.stdout().split('"type":"device-result"').length - 1;
const hasStack = (s: string) => /\n\s+at .+[:(]/.test(s);
/** Devices of `lot` without a device row. */
function left(dbFile: string, lot: string): number {
  const db = new Database(dbFile, { readonly: true });
  try {
    return db.prepare('SELECT (SELECT coalesce(sum(quantity), 0) FROM reels WHERE lot_id = ?) - (SELECT count(*) FROM devices WHERE lot_id = ?)').pluck().get(lot, lot) as number;
  } finally {
    db.close();
  }
}

/** The first run may have let its leases go: it finished its lot, or it ended (lot-done printed, e.g. no usable site left). */
async function ended(c: ChaosContext, lot: string, r: BackgroundRun): Promise<boolean> {
  await sleep(300); // let the output it wrote while this process waited in spawnSync arrive
  return left(c.dbFile, lot) === 0 || r.child.exitCode !== null || r.child.signalCode !== null || r.stdout().includes('"type":"lot-done"');
}
let sideLots = 0;

/** Imports a lot of `qty` devices of the chaos job under a fresh name; returns its id, or a problem. */
function newLot(c: ChaosContext, tag: string, qty: number): { lot: string; problem?: string } {
  const lot = `${c.lot}-${tag}${++sideLots}`;
  const csv = path.join(path.dirname(c.dbFile), `${lot}.csv`);
  fs.writeFileSync(csv, `lot,reel,part,quantity,date_code,job\n${lot},R1,KLM8G1GETF-B041,${qty},2447,job\n`);
  const imp = runCli(['--db', c.dbFile, 'lot', 'import', csv]);
  return { lot, problem: imp.code === 0 ? undefined : `importing ${lot} failed: ${imp.stderr.trim()}` };
}

const sideRunLots: string[] = [];

/** The chaos lot while it has devices left; once it is done, a side lot with devices left, so the fault still meets a running lot. */
function lotToRun(c: ChaosContext): { lot: string; problem?: string } {
  const open = [c.lot, ...sideRunLots].find((l) => left(c.dbFile, l) > 0);
  if (open) return { lot: open };
  const fresh = newLot(c, 'P', 3000);
  sideRunLots.push(fresh.lot);
  return fresh;
}

async function recorded(r: BackgroundRun, n: number, maxMs = 60_000): Promise<void> {
  const t0 = Date.now();
  while (r.child.exitCode === null && r.child.signalCode === null && Date.now() - t0 < maxMs && deviceResults(r) < n) await sleep(10);
}

/** Sockets or devices used by two attempts at once, and serials on two devices, over the whole database. */
export function overlapProblems(dbFile: string, since = ''): string[] {
  const db = new Database(dbFile, { readonly: true });
  try {
    const overlap = (same: string) =>
      db
        .prepare(
          `SELECT count(*) FROM attempts a JOIN attempts b ON ${same} AND a.id < b.id
           WHERE b.started_at >= ? AND a.started_at < coalesce(b.ended_at, '9999') AND b.started_at < coalesce(a.ended_at, '9999')`,
        )
        .pluck()
        .get(since) as number;
    const out: string[] = [];
    const s = overlap('a.programmer_id = b.programmer_id AND a.site = b.site');
    if (s) out.push(`${s} pairs of attempts overlap in one socket`);
    const d = overlap('a.lot_id = b.lot_id AND a.reel_id = b.reel_id AND a.seq = b.seq');
    if (d) out.push(`${d} pairs of attempts overlap on one device`);
    return out;
  } finally {
    db.close();
  }
}

/** The invariants of a side lot the fault ran instead of the chaos lot (the chaos run checks its own lot). */
function sideProblems(c: ChaosContext, lot: string): string[] {
  return lot === c.lot ? [] : checkLot(c.dbFile, lot, { start: 1, step: 1 }).violations.map((v) => `${lot}: ${v}`);
}

function start(c: ChaosContext, lot: string, env: NodeJS.ProcessEnv = {}): BackgroundRun {
  return spawnCli(['--db', c.dbFile, 'run', '--lot', lot, '--json', '--speed', c.speed, '--farm', c.farm], env);
}

function outcome(kind: OwnershipFault, detail: string, exit: number | string, allowed: (number | string)[], problems: string[]): FaultOutcome {
  const ok = allowed.includes(exit) && problems.length === 0;
  const why = [...(allowed.includes(exit) ? [] : [`exit ${exit}, expected one of ${allowed.join(', ')}`]), ...problems];
  return { kind: kind as FaultOutcome['kind'], detail, exit, expected: ok, problem: ok ? undefined : why.join('; ') };
}

/** Injects one ownership fault into a run of the chaos lot and waits for every run it started to end. */
export async function injectOwnership(kind: OwnershipFault, c: ChaosContext): Promise<FaultOutcome> {
  const problems: string[] = [];
  // Attempts that start during this fault are checked against every earlier one of their socket and device.
  const since = new Date(Date.now() - 1000).toISOString();
  const target = lotToRun(c);
  if (target.problem) problems.push(target.problem);
  const lot = target.lot;
  const first = start(c, lot, FAST_LEASE);
  await recorded(first, c.rng.int(1, 40));
  if (kind === 'pause') {
    // SIGSTOP past the heartbeat and the stale limit: a second run of the lot must be refused, never take over.
    const pauseMs = c.rng.int(1200, 2500);
    first.child.kill('SIGSTOP');
    await sleep(pauseMs);
    const second = runCli(['--db', c.dbFile, 'run', '--lot', lot, '--json', '--speed', 'unlimited', '--farm', c.farm], { env: FAST_LEASE });
    first.child.kill('SIGCONT');
    if (second.code !== 6 && !(second.code === 0 && (await ended(c, lot, first)))) problems.push(`the second run of the paused lot exited ${second.code}, not 6: ${second.stderr.trim().slice(0, 200)}`);
    if (hasStack(second.stderr)) problems.push('the second run printed a stack trace');
    await recorded(first, deviceResults(first) + c.rng.int(1, 30));
    const how = c.rng.pick(['SIGINT', 'SIGKILL'] as const);
    first.child.kill(how);
    const exit = await first.exit;
    if (hasStack(first.stderr())) problems.push(`the paused run printed a stack trace: ${first.stderr().trim().slice(0, 200)}`);
    problems.push(...overlapProblems(c.dbFile, since), ...sideProblems(c, lot));
    return outcome(kind, `${lot} paused ${pauseMs} ms after ${deviceResults(first)} devices; second run exit ${second.code}`, exit, [how, 4, 0], problems);
  }
  // A second lot on the same farm: refused while the first runs; after the first ends (killed or stopped), it runs to
  // its end on the same programmers, closing the first run's insertions left in their sockets.
  const qty = c.rng.int(4, 24);
  const second = newLot(c, 'B', qty);
  if (second.problem) problems.push(second.problem);
  const other = second.lot;
  const refused = runCli(['--db', c.dbFile, 'run', '--lot', other, '--json', '--speed', 'unlimited', '--farm', c.farm]);
  if (refused.code !== 6 && !(refused.code === 0 && (await ended(c, lot, first)))) problems.push(`the second lot's run exited ${refused.code} while the first ran, not 6: ${refused.stderr.trim().slice(0, 200)} (first run: ${first.stderr().trim().slice(-300)})`);
  const how = c.rng.pick(['SIGINT', 'SIGKILL'] as const);
  first.child.kill(how);
  const exit = await first.exit;
  const after = runCli(['--db', c.dbFile, 'run', '--lot', other, '--json', '--speed', 'unlimited', '--farm', c.farm]);
  if (after.code !== 0) problems.push(`the second lot did not finish after the first stopped: exit ${after.code}: ${after.stderr.trim().slice(0, 200)}`);
  const db = new Database(c.dbFile, { readonly: true });
  const rows = db.prepare('SELECT count(*) FROM devices WHERE lot_id = ?').pluck().get(other) as number;
  db.close();
  if (rows !== qty) problems.push(`the second lot has ${rows} device rows, not ${qty}`);
  problems.push(...overlapProblems(c.dbFile, since), ...sideProblems(c, lot), ...checkLot(c.dbFile, other, { start: 1, step: 1 }, true).violations.map((v) => `${other}: ${v}`));
  return outcome(kind, `${lot}, ${other} (${qty}) refused with ${refused.code}, first ${how} after ${deviceResults(first)} devices, then ${other} exit ${after.code}`, exit, [how, 4, 0], problems);
}
