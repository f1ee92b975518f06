import fs from 'node:fs';
import Database from 'better-sqlite3';
import { runCli } from '../../test/helpers/cli.js';
import { spawnCli, type BackgroundRun } from '../../test/reliability/spawn-cli.js';
import { fillDisk } from '../../test/reliability/small-fs.js';
import type { Prng } from './prng.js';
import { injectOwnership, OWNERSHIP_FAULTS } from './ownership-faults.js';

/** The kinds of fault the chaos run injects. */
export const FAULT_KINDS = ['kill', 'interrupt', 'link-loss', 'disk-full', 'image', ...OWNERSHIP_FAULTS] as const;
/** One kind of fault. */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Where the chaos run works and how it runs the CLI. */
export interface ChaosContext {
  dbFile: string;
  lot: string;
  image: string;
  /** Farm file with the normal sim options, and a maker of one whose links drop at `rate`. */
  farm: string;
  lossyFarm: (rate: number) => string;
  /** Folder on a small file system the run may fill, or null (disk-full faults skipped). */
  smallFs: string | null;
  /** Sim time scale of the faulted runs. */
  speed: string;
  rng: Prng;
}

/** What one injected fault did. */
export interface FaultOutcome {
  kind: FaultKind;
  detail: string;
  /** Exit code of the run, or the signal that ended it. */
  exit: number | string;
  /** The run ended in a way this fault allows (the invariants are checked separately). */
  expected: boolean;
  /** Why the outcome was not the expected one. */
  problem?: string;
}

const deviceResults = (r: BackgroundRun) => r.stdout().split('"type":"device-result"').length - 1;
const started = (r: BackgroundRun) => r.stdout().includes('"type":"cycle-start"');
const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/** Waits until the run has started a cycle and recorded `n` devices, or has ended, or `maxMs` passed. */
async function moment(r: BackgroundRun, n: number, maxMs = 60_000): Promise<void> {
  const t0 = Date.now();
  while (r.child.exitCode === null && r.child.signalCode === null && Date.now() - t0 < maxMs) {
    if (started(r) && deviceResults(r) >= n) return;
    await sleep(10);
  }
}

function start(c: ChaosContext, farm: string, speed = c.speed): BackgroundRun {
  return spawnCli(['--db', c.dbFile, 'run', '--lot', c.lot, '--json', '--speed', speed, '--farm', farm]);
}

function attempts(c: ChaosContext): number {
  const db = new Database(c.dbFile, { readonly: true });
  try {
    // Finished attempts: the insertions of a cycle that was not recorded stay as 'in-socket', later 'interrupted'.
    return db.prepare("SELECT count(*) FROM attempts WHERE result IN ('pass', 'fail')").pluck().get() as number;
  } finally {
    db.close();
  }
}

function outcome(kind: FaultKind, detail: string, exit: number | string, allowed: (number | string)[], problem?: string): FaultOutcome {
  const ok = allowed.includes(exit) && problem === undefined;
  return { kind, detail, exit, expected: ok, problem: ok ? undefined : (problem ?? `exit ${exit}, expected one of ${allowed.join(', ')}`) };
}

/** Injects one fault of `kind` into a run of the lot and waits for that run to end. */
export async function inject(kind: FaultKind, c: ChaosContext): Promise<FaultOutcome> {
  switch (kind) {
    case 'pause':
    case 'second-lot':
      return injectOwnership(kind, c);
    case 'kill': {
      const n = c.rng.int(0, 60);
      const r = start(c, c.farm);
      await moment(r, n);
      r.child.kill('SIGKILL');
      return outcome(kind, `SIGKILL after ${deviceResults(r)} devices`, await r.exit, ['SIGKILL', 0]);
    }
    case 'interrupt': {
      const n = c.rng.int(0, 60);
      const r = start(c, c.farm);
      await moment(r, n);
      r.child.kill('SIGINT');
      return outcome(kind, `SIGINT after ${deviceResults(r)} devices`, await r.exit, [4, 0]);
    }
    case 'link-loss': {
      const rate = c.rng.int(20, 70) / 100;
      const n = c.rng.int(5, 80);
      const how = c.rng.pick(['SIGKILL', 'SIGINT'] as const);
      const r = start(c, c.lossyFarm(rate));
      await moment(r, n);
      r.child.kill(how);
      const exit = await r.exit;
      const lost = r.stdout().split('"failureCode":"link-lost"').length - 1;
      // 1: every programmer was taken out of the run after losing its link twice in a row (no usable site left).
      return outcome(kind, `linkLostRate ${rate}: ${lost} link-lost attempts, ${how} after ${deviceResults(r)} devices`, exit, [how, 4, 0, 1]);
    }
    case 'disk-full': {
      if (!c.smallFs) throw new Error('disk-full needs a small file system');
      // Start from an empty WAL so the run has to grow a file on the full disk.
      const db = new Database(c.dbFile);
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
      const leave = c.rng.int(0, 400);
      const filler = fillDisk(c.smallFs, leave);
      const r = start(c, c.farm);
      await moment(r, 400, 60_000);
      if (r.child.exitCode === null) r.child.kill('SIGKILL');
      const exit = await r.exit;
      fs.rmSync(filler);
      const said = /could not be written|could not be opened for writing/.test(r.stderr());
      return outcome(kind, `${leave} KiB left free: ${deviceResults(r)} devices, then ${exit === 5 ? 'stopped' : String(exit)}`, exit, [5, 0], exit === 5 && !said ? 'exit 5 without saying the database could not be written' : undefined);
    }
    case 'image': {
      const good = fs.readFileSync(c.image);
      const mode = c.rng.pick(['flip', 'append', 'truncate'] as const);
      const bad = mode === 'flip' ? Buffer.from(good) : mode === 'append' ? Buffer.concat([good, Buffer.from([0xff])]) : good.subarray(0, good.length - 512);
      if (mode === 'flip') bad[c.rng.int(0, bad.length - 1)] ^= 1 << c.rng.int(0, 7);
      const during = c.rng.next() < 0.5;
      const before = attempts(c);
      let exit: number | string;
      let stderr: string;
      let detail: string;
      let changedAttempts = false;
      try {
        if (during) {
          const r = start(c, c.farm);
          await moment(r, c.rng.int(1, 40));
          fs.writeFileSync(c.image, bad);
          exit = await r.exit;
          stderr = r.stderr();
          detail = `${mode} while running, after ${deviceResults(r)} devices`;
          changedAttempts = attempts(c) !== before + deviceResults(r);
        } else {
          fs.writeFileSync(c.image, bad);
          const r = runCli(['--db', c.dbFile, 'run', '--lot', c.lot, '--json', '--speed', c.speed, '--farm', c.farm]);
          exit = r.code;
          stderr = r.stderr;
          detail = `${mode} before the run`;
          changedAttempts = attempts(c) !== before;
        }
      } finally {
        fs.writeFileSync(c.image, good);
      }
      const problem =
        exit === 1 && !stderr.includes('[image-changed]')
          ? `exit 1 without image-changed: ${stderr.trim().slice(0, 200)}`
          : changedAttempts
            ? 'attempts were recorded that the run did not report, or a refused run recorded attempts'
            : undefined;
      return outcome(kind, detail, exit, during ? [1, 0] : [1], problem);
    }
  }
}
