import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../src/db/open.js';
import { DbError } from '../src/errors.js';
import { runCli } from './helpers/cli.js';
import { seedChip, seedJob } from './helpers/seed.js';
import { tmpDir } from './helpers/tmp.js';

const dir = tmpDir();

/** A database with enough rows to span many pages, and a backup of it taken by the CLI. */
function populated(name: string): { file: string; backup: string } {
  const file = path.join(dir, name);
  const db = openDb(file);
  const chip = seedChip(db);
  for (let i = 0; i < 200; i++) seedJob(db, `job-${i}-${'x'.repeat(200)}`, chip);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const r = runCli(['--db', file, 'db', 'backup', '--json']);
  expect(r.code).toBe(0);
  return { file, backup: JSON.parse(r.stdout).backup };
}

/** The error of opening `file` verified (every page read), as db check, db backup, serve and a run after an unclean close do. */
function openError(file: string): DbError {
  try {
    openDb(file, { verify: true }).close();
  } catch (e) {
    return e as DbError;
  }
  throw new Error('expected the open to fail');
}

describe('damaged databases', () => {
  it('db check reports a healthy database as ok', () => {
    const { file } = populated('healthy.db');
    const r = runCli(['--db', file, 'db', 'check', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, integrity: ['ok'], foreignKeyViolations: 0 });
  });

  it('a truncated database is refused when verified, with the path of the last good backup', () => {
    const { file, backup } = populated('truncated.db');
    const size = fs.statSync(file).size;
    fs.truncateSync(file, Math.floor(size / 2));
    const e = openError(file);
    expect(e).toBeInstanceOf(DbError);
    expect(e.code).toBe('db-damaged');
    expect(e.message).toContain(`the last good backup is ${backup}`);
  });

  it('a database with garbage pages is refused when verified, and db check exits 1 naming the backup', () => {
    const { file, backup } = populated('garbage.db');
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(4096 * 3, 0xa5), 0, 4096 * 3, 4096 * 2);
    fs.closeSync(fd);
    expect(openError(file).message).toContain(backup);
    const r = runCli(['--db', file, 'db', 'check']);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain(backup);
  });

  it('a database from a newer gangflash is refused by the CLI with exit 1 and no stack trace', () => {
    const { file } = populated('newer.db');
    const db = openDb(file);
    db.pragma('user_version = 99');
    db.close();
    const r = runCli(['--db', file, 'lot', 'list']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/written by a newer gangflash/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('checks that stay cheap at any size', () => {
  it('an open reads the header and schema only; a run after an unclean close reads every page and refuses damage', async () => {
    const { file } = populated('unclean.db');
    // A run of this database that was killed: its runs row has no end and its pid is gone.
    const db = openDb(file);
    db.prepare("INSERT INTO lots (id, job_id, chip) SELECT 'L-UNCLEAN', id, chip FROM jobs LIMIT 1").run();
    db.prepare("INSERT INTO runs (lot_id, job_id, operator, host, pid, gangflash_version, node_version) SELECT 'L-UNCLEAN', job_id, 'op', ?, 2147480000, '0', '0' FROM lots WHERE id = 'L-UNCLEAN'").run(os.hostname());
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const size = fs.statSync(file).size;
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, size - 4096 * 2);
    fs.closeSync(fd);
    // A plain open does not read the damaged page…
    openDb(file, { create: false }).close();
    // …a run after the unclean close does, and refuses the database before anything else.
    const r = runCli(['--db', file, 'run', '--lot', 'L-UNCLEAN']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is not a readable gangflash database \(quick_check: .*\[db-damaged\]/);
  });
});
