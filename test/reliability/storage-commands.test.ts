import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { lotFixture } from '../helpers/lot-fixture.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { fillDisk, mountSmallFs, remount } from './small-fs.js';

// Every command that writes the database meets a storage that refuses the write (full, locked, read-only,
// immutable) with exit 5, one line on stderr, no stack trace, and the database as it was.
const small = mountSmallFs(32 * 1024);
afterAll(() => {
  if (small.dir !== null) small.unmount();
});
if (small.dir === null) console.log(`storage failure tests skipped: ${small.reason}`);

/** A database with a lot, programmers and adapters, plus the input files the writing commands take. */
async function station(name: string) {
  const dir = path.join(small.dir as string, name);
  const { dbFile, image } = await lotFixture({ dir, devices: 20, imageBytes: 16 << 10 });
  const reels = path.join(dir, 'reels-2.csv');
  fs.writeFileSync(reels, 'lot,reel,part,quantity,date_code,job\nLOT-2,R1,KLM8G1GETF-B041,10,2447,job\n');
  const db = new Database(dbFile);
  db.pragma('wal_checkpoint(TRUNCATE)'); // the next write has to grow the WAL file on the full disk
  db.close();
  return { dir, dbFile, image, reels };
}

type Station = Awaited<ReturnType<typeof station>>;

/** The writing commands of the issue, each as the arguments a user gives. */
const commands: [string, (s: Station) => string[]][] = [
  ['lot import', (s) => ['lot', 'import', s.reels]],
  ['programmers add', () => ['programmers', 'add', '--name', 'sim-9', '--driver', 'sim', '--model', 'sim-gang', '--serial', 'SIM-9', '--sites', '2']],
  ['adapters add', () => ['adapters', 'add', '--type', 'emmc-153-11.5x13-clam-1', '--serial', 'A-NEW']],
  ['adapters override', () => ['adapters', 'override', 'A-1-0', '--reason', 'test']],
  ['adapters unmount', () => ['adapters', 'unmount', 'A-1-1']],
  ['job create', (s) => ['job', 'create', '--name', 'job-2', '--chip', 'KLM8G1GETF-B041', '--image', s.image]],
  ['adapters retire', () => ['adapters', 'retire', 'A-2-0']],
  ['adapters replace-socket', () => ['adapters', 'replace-socket', 'A-2-1']],
  ['sites disable', () => ['sites', 'disable', 'sim-2:2', '--reason', 'test']],
];

/** Row counts of the tables the commands write, to show nothing changed. */
function snapshot(dbFile: string): string {
  const db = new Database(dbFile, { readonly: true });
  try {
    return ['lots', 'reels', 'programmers', 'adapters', 'jobs', 'events', 'imports']
      .map((t) => `${t}=${db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number}`)
      .concat(`mounted=${db.prepare('SELECT count(*) FROM adapters WHERE programmer_id IS NOT NULL').pluck().get() as number}`)
      .concat(`override=${db.prepare('SELECT count(*) FROM adapters WHERE override_life = 1').pluck().get() as number}`)
      .concat(`retired=${db.prepare("SELECT count(*) FROM adapters WHERE status = 'retired'").pluck().get() as number}`)
      .concat(`disabled=${db.prepare('SELECT count(*) FROM sites WHERE enabled = 0').pluck().get() as number}`)
      .join(' ');
  } finally {
    db.close();
  }
}

function expectStorageFailure(r: CliResult, what: string, message: RegExp): void {
  expect(r.code, `${what}: ${r.stderr}`).toBe(EXIT.dbWrite);
  expect(r.stderr, what).toMatch(message);
  expect(r.stderr, what).toContain('[db-write-failed]');
  expect(r.stderr, what).not.toMatch(/internal error|SqliteError|\n\s+at /);
  expect(r.stderr.trim().split('\n'), what).toHaveLength(1);
}

describe.skipIf(small.dir === null)('every writing command maps a refused write to exit 5 with nothing changed', () => {
  it('with the disk full, every writing command (lot import, programmers add, adapters add|override|unmount|retire|replace-socket, sites disable, job create) and db backup exit 5 saying the disk is full', async () => {
    const s = await station('full');
    const before = snapshot(s.dbFile);
    const filler = fillDisk(s.dir, 0);
    try {
      for (const [what, args] of [...commands, ['db backup', () => ['db', 'backup']] as [string, () => string[]]]) {
        const r = runCli(['--db', s.dbFile, ...args(s)]);
        expectStorageFailure(r, what, /could not be written \(the disk is full\); nothing was changed/);
      }
    } finally {
      fs.rmSync(filler);
    }
    expect(snapshot(s.dbFile)).toBe(before);
    expect(fs.readdirSync(`${s.dbFile}.backups`, { withFileTypes: true }).filter((f) => f.isFile() && fs.statSync(path.join(f.parentPath, f.name)).size > 0)).toEqual([]);
  });

  it('db init on a full disk exits 5 and leaves no database file behind', () => {
    const dir = path.join(small.dir as string, 'init-full');
    fs.mkdirSync(dir);
    const filler = fillDisk(dir, 8);
    const file = path.join(dir, 'new.db');
    try {
      const r = runCli(['--db', file, 'db', 'init']);
      expectStorageFailure(r, 'db init', /could not be (written|opened for writing)/);
    } finally {
      fs.rmSync(filler);
    }
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('with another program holding the lock past GANGFLASH_LOCK_WAIT_MS, every writing command exits 5 saying the database is locked', async () => {
    const s = await station('locked');
    const before = snapshot(s.dbFile);
    const holder = new Database(s.dbFile);
    holder.exec('BEGIN EXCLUSIVE');
    try {
      for (const [what, args] of commands) {
        const r = runCli(['--db', s.dbFile, ...args(s)], { env: { GANGFLASH_LOCK_WAIT_MS: '100' } });
        expectStorageFailure(r, what, /could not be written \(database is locked/);
      }
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(snapshot(s.dbFile)).toBe(before);
  });

  it('on a read-only file system every writing command, db init and db backup exit 5 and change nothing', async () => {
    const s = await station('ro');
    const before = snapshot(s.dbFile);
    remount(small.dir as string, true);
    try {
      for (const [what, args] of [...commands, ['db backup', () => ['db', 'backup']], ['db init', () => ['db', 'init']]] as [string, (s: Station) => string[]][]) {
        const r = runCli(['--db', s.dbFile, ...args(s)]);
        expectStorageFailure(r, what, /could not be (written|opened for writing)/);
      }
      const fresh = runCli(['--db', path.join(s.dir, 'fresh.db'), 'db', 'init']);
      expectStorageFailure(fresh, 'db init of a new file', /could not be (written|opened for writing)/);
      // A file the command writes besides the database (a report) is named as what could not be written.
      const report = runCli(['--db', s.dbFile, 'report', 'lot', 'LOT-1', '--out', path.join(s.dir, 'lot.html')]);
      expectStorageFailure(report, 'report --out', /lot\.html: the file could not be written \(read-only/);
    } finally {
      remount(small.dir as string, false);
    }
    expect(snapshot(s.dbFile)).toBe(before);
    expect(fs.existsSync(path.join(s.dir, 'fresh.db'))).toBe(false);
  });

  it('with the database file immutable (chattr +i) every writing command exits 5 and changes nothing', async () => {
    const s = await station('immutable');
    const before = snapshot(s.dbFile);
    const files = [s.dbFile, `${s.dbFile}-wal`, `${s.dbFile}-shm`].filter((f) => fs.existsSync(f));
    execFileSync('chattr', ['+i', ...files]);
    try {
      for (const [what, args] of commands) {
        const r = runCli(['--db', s.dbFile, ...args(s)]);
        expectStorageFailure(r, what, /could not be (written|opened for writing)/);
      }
    } finally {
      execFileSync('chattr', ['-i', ...files]);
    }
    expect(snapshot(s.dbFile)).toBe(before);
  });
});
