import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runCli, type CliResult } from '../../test/helpers/cli.js';
import { fillDisk, remount } from '../../test/reliability/small-fs.js';
import type { ChaosContext, FaultOutcome } from './faults.js';

/** Storage faults met by every writing command, not only `run`: a full disk, another program's lock, a read-only file system. */
export const STORAGE_KINDS = ['store-full', 'store-locked', 'store-ro'] as const;
/** One kind of storage fault. */
export type StorageKind = (typeof STORAGE_KINDS)[number];

/** The writing commands a storage fault is tried on (seeded pick); `n` keeps names unique across faults. */
const COMMANDS: { name: string; args: (c: ChaosContext, n: number, dir: string) => string[] }[] = [
  { name: 'run', args: (c) => ['run', '--lot', c.lot, '--json', '--speed', c.speed, '--farm', c.farm] },
  { name: 'lot import', args: (_c, n, dir) => ['lot', 'import', reels(dir, n)] },
  { name: 'programmers add', args: (_c, n) => ['programmers', 'add', '--name', `chaos-${n}`, '--driver', 'sim', '--model', 'sim-gang', '--serial', `CHAOS-${n}`, '--sites', '2'] },
  { name: 'adapters add', args: (_c, n) => ['adapters', 'add', '--type', 'emmc-153-11.5x13-clam-1', '--serial', `CHAOS-A-${n}`] },
  { name: 'adapters override', args: () => ['adapters', 'override', 'CHAOS-SPARE', '--reason', 'chaos'] },
  { name: 'job create', args: (c, n) => ['job', 'create', '--name', `chaos-job-${n}`, '--chip', 'KLM8G1GETF-B041', '--image', c.image] },
  { name: 'db backup', args: () => ['db', 'backup'] },
  { name: 'db init (new file)', args: () => ['db', 'init'] },
];

/** A reel file for a lot of its own (so the chaos lot's quantity never changes). */
function reels(dir: string, n: number): string {
  const f = path.join(dir, `chaos-reels-${n}.csv`);
  fs.writeFileSync(f, `lot,reel,part,quantity,date_code,job\nCHAOS-${n},R1,KLM8G1GETF-B041,5,2447,job\n`);
  return f;
}

/** Row counts a refused command must leave as they were. */
function snapshot(dbFile: string): string {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return ['lots', 'reels', 'programmers', 'adapters', 'jobs', 'imports', 'attempts', 'devices']
      .map((t) => `${t}=${db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number}`)
      .join(' ');
  } finally {
    db.close();
  }
}

let count = 0;
let spare = false;

/**
 * Runs one seeded writing command under a storage fault and checks what the user sees: exit 5 with one line saying
 * the database could not be written (or 0 when the command had nothing to write or still fitted), never a crash,
 * and a refused command changes no row; `db init` of a new file leaves no file behind. `mount` is the small file
 * system's mount point (null: only the lock fault can run).
 */
export async function injectStorage(kind: StorageKind, c: ChaosContext, mount: string | null): Promise<Omit<FaultOutcome, 'kind'>> {
  const dir = path.dirname(c.dbFile);
  if (!spare) {
    runCli(['--db', c.dbFile, 'adapters', 'add', '--type', 'emmc-153-11.5x13-clam-1', '--serial', 'CHAOS-SPARE']);
    spare = true;
  }
  const n = ++count;
  const cmd = c.rng.pick(COMMANDS);
  const fresh = path.join(dir, `chaos-new-${n}.db`);
  const dbArg = cmd.name.startsWith('db init') ? fresh : c.dbFile;
  const args = ['--db', dbArg, ...cmd.args(c, n, dir)];
  // Start from an empty WAL so a write has to grow a file.
  const ck = new Database(c.dbFile);
  ck.pragma('wal_checkpoint(TRUNCATE)');
  ck.close();
  const before = snapshot(c.dbFile);
  let r: CliResult;
  let detail: string;
  if (kind === 'store-locked') {
    const holder = new Database(c.dbFile);
    holder.exec('BEGIN EXCLUSIVE');
    try {
      r = runCli(args, { env: { GANGFLASH_LOCK_WAIT_MS: '200' } });
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    detail = `${cmd.name} while another connection holds the lock`;
  } else if (kind === 'store-full') {
    if (!c.smallFs) throw new Error('store-full needs a small file system');
    const leave = c.rng.int(0, 64);
    const filler = fillDisk(c.smallFs, leave);
    try {
      r = runCli(args);
    } finally {
      fs.rmSync(filler);
    }
    detail = `${cmd.name} with ${leave} KiB free`;
  } else {
    if (!mount) throw new Error('store-ro needs a small file system');
    remount(mount, true);
    try {
      r = runCli(args);
    } finally {
      remount(mount, false);
    }
    detail = `${cmd.name} on a read-only file system`;
  }
  const exit = r.code;
  const problems: string[] = [];
  if (/internal error|SqliteError|\n\s+at /.test(r.stderr)) problems.push(`crashed: ${r.stderr.trim().slice(0, 200)}`);
  if (exit === 5) {
    if (!/\[db-write-failed\]/.test(r.stderr) || r.stderr.trim().split('\n').length !== 1) problems.push(`exit 5 without one db-write-failed line: ${r.stderr.trim().slice(0, 200)}`);
    if (cmd.name !== 'run' && snapshot(c.dbFile) !== before) problems.push('a refused command changed rows');
    if (cmd.name.startsWith('db init') && fs.existsSync(fresh)) problems.push('a failed db init left a file behind');
  }
  // Without a fault a command may succeed (nothing to write, or it still fitted); locked and read-only must refuse a write.
  const allowed = kind === 'store-full' || cmd.name === 'db backup' || (kind === 'store-locked' && cmd.name.startsWith('db init')) ? [5, 0] : [5];
  if (cmd.name === 'run' && kind !== 'store-ro') allowed.push(0);
  fs.rmSync(fresh, { force: true });
  for (const f of fs.readdirSync(dir)) if (f.startsWith(`chaos-new-${n}.db`)) fs.rmSync(path.join(dir, f), { recursive: true, force: true });
  const ok = allowed.includes(exit) && problems.length === 0;
  return { detail, exit, expected: ok, problem: ok ? undefined : (problems.join('; ') || `exit ${exit}, expected one of ${allowed.join(', ')}: ${r.stderr.trim().slice(0, 200)}`) };
}
