import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { lotFixture, lotRows } from '../helpers/lot-fixture.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { fillDisk, mountSmallFs, remount } from './small-fs.js';
import { events, resumeInProcess, spawnCli, until } from './spawn-cli.js';

const dir = tmpDir('gangflash-dbfaults-');
const small = mountSmallFs(6 * 1024);
afterAll(() => {
  if (small.dir !== null) small.unmount();
});
if (small.dir === null) console.log(`disk-full and read-only file system tests skipped: ${small.reason}`);

type Event = Record<string, unknown> & { type: string };
const ndjson = (r: CliResult): Event[] => r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Event);
const run = (dbFile: string) => runCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json', '--speed', 'unlimited']);

function count(dbFile: string, sql: string): number {
  const db = new Database(dbFile, { readonly: true });
  try {
    return db.prepare(sql).pluck().get() as number;
  } finally {
    db.close();
  }
}

describe('database write failures stop the run with exit 5 and lose nothing', () => {
  it.skipIf(small.dir === null)('a disk that fills up mid-lot stops programming, names the unrecorded devices, and the lot resumes to exactly its quantity once space is back', async () => {
    const base = path.join(small.dir as string, 'full');
    const { dbFile } = await lotFixture({ dir: base, devices: 600, imageBytes: 16 << 10, serial: 'SN00001@0x100000', sim: { wrongChipRate: 0.01 } });
    const filler = fillDisk(base, 1200);

    const r = run(dbFile);
    expect(r.code, r.stderr).toBe(EXIT.dbWrite);
    expect(r.stderr).toMatch(/the database could not be written \(the disk is full\); programming stopped after the cycle in flight/);
    expect(r.stderr).toContain('[db-write-failed]');
    const evs = ndjson(r);
    const alarm = evs.findIndex((e) => e.type === 'alarm' && e.code === 'db-write-failed');
    expect(alarm).toBeGreaterThan(0);
    // Nothing was started after the failure was seen, and the lot is not done.
    expect(evs.slice(alarm).some((e) => e.type === 'cycle-start')).toBe(false);
    const done = evs.find((e) => e.type === 'lot-done')!;
    expect(done).toMatchObject({ end: 'db-error' });
    expect(done.remaining as number).toBeGreaterThan(0);

    fs.rmSync(filler);
    // Devices named as unrecorded have no device row; every device reported as recorded has one.
    const named = [...String(evs[alarm].message).matchAll(/R1\/(\d+)/g)].map((m) => Number(m[1]));
    const recorded = evs.filter((e) => e.type === 'device-result' && e.final).map((e) => (e.device as { seq: number }).seq);
    const rows = new Set(
      (() => {
        const db = new Database(dbFile, { readonly: true });
        const seqs = db.prepare('SELECT seq FROM devices').pluck().all() as number[];
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        db.close();
        return seqs;
      })(),
    );
    expect(recorded.length).toBeGreaterThan(0);
    for (const s of named) expect(rows.has(s)).toBe(false);
    for (const s of recorded) expect(rows.has(s)).toBe(true);
    expect(rows.size).toBe(recorded.length);

    expect(await resumeInProcess(dbFile)).toBe('done');
    expect(lotRows(dbFile)).toMatchObject({ devices: 600, distinct: 600, duplicateSerials: 0, failedWithoutCode: 0, integrity: 'ok' });
    expect(count(dbFile, "SELECT count(*) FROM serials WHERE state = 'reserved'")).toBe(0);
  });

  it.skipIf(small.dir === null)('a full disk at the start of a run is exit 5 with a message saying so, not a damaged database', async () => {
    const base = path.join(small.dir as string, 'full-at-start');
    const { dbFile } = await lotFixture({ dir: base, devices: 20, imageBytes: 16 << 10 });
    const filler = fillDisk(base, 0);
    const r = run(dbFile);
    fs.rmSync(filler);
    expect(r.code).toBe(EXIT.dbWrite);
    expect(r.stderr).toMatch(/disk is full|could not be opened for writing/);
    expect(r.stderr).not.toMatch(/db-damaged|internal error/);
    expect(count(dbFile, 'SELECT count(*) FROM attempts')).toBe(0);
    expect(await resumeInProcess(dbFile)).toBe('done');
    expect(lotRows(dbFile)).toMatchObject({ devices: 20, distinct: 20, integrity: 'ok' });
  });

  it.skipIf(small.dir === null)('a database on a read-only file system is refused with exit 5 before a device is programmed, and runs once it is writable', async () => {
    const base = path.join(small.dir as string, 'ro');
    const { dbFile } = await lotFixture({ dir: base, devices: 20, imageBytes: 16 << 10 });
    remount(small.dir as string, true);
    let r: CliResult;
    try {
      r = run(dbFile);
    } finally {
      remount(small.dir as string, false);
    }
    expect(r.code, r.stderr).toBe(EXIT.dbWrite);
    expect(r.stderr).toMatch(/readonly database|read-only/);
    expect(r.stderr).toContain('[db-write-failed]');
    expect(r.stdout).not.toContain('cycle-start');
    expect(count(dbFile, 'SELECT count(*) FROM attempts')).toBe(0);
    expect(await resumeInProcess(dbFile)).toBe('done');
    expect(lotRows(dbFile)).toMatchObject({ devices: 20, distinct: 20, integrity: 'ok' });
  });

  it('another connection holding the write lock past the busy timeout stops the run with exit 5; the lot then resumes with nothing lost', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'locked'), devices: 40, serial: 'SN0001@0x100000' });
    // The run waits 1 s for a lock (GANGFLASH_LOCK_WAIT_MS) before it gives up; the default is 5 s.
    const child = spawnCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json', '--speed', '0.05'], { GANGFLASH_LOCK_WAIT_MS: '1000' });
    await until(() => events(child).some((e) => e.type === 'device-result'), 'the first recorded device');
    const holder = new Database(dbFile);
    holder.exec('BEGIN EXCLUSIVE');
    let code: number | string;
    try {
      code = await child.exit;
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(code, child.stderr()).toBe(EXIT.dbWrite);
    expect(child.stderr()).toMatch(/the database could not be written \(database is locked\)/);
    const evs = events(child);
    const alarm = evs.findIndex((e) => e.type === 'alarm' && e.code === 'db-write-failed');
    expect(alarm).toBeGreaterThan(0);
    expect(evs.slice(alarm).some((e) => e.type === 'cycle-start')).toBe(false);
    const recorded = evs.filter((e) => e.type === 'device-result' && e.final).length;
    expect(lotRows(dbFile).devices).toBe(recorded);

    expect(await resumeInProcess(dbFile)).toBe('done');
    expect(lotRows(dbFile)).toMatchObject({ devices: 40, distinct: 40, duplicateSerials: 0, integrity: 'ok' });
  });
});
