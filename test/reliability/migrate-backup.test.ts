import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { loadMigrations } from '../../src/db/migrations.js';
import { backupDir } from '../../src/db/backup.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { lotFixture, lotRows } from '../helpers/lot-fixture.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';

const dir = tmpDir('gangflash-migrate-');

describe('run backs the database up before it migrates', () => {
  it('a database at schema version 2 is copied to a backup before run migrates it, and the message names the backup', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'v2'), devices: 8, serial: 'SN01@0x100000' });
    // Take the database back to schema 2 by hand: the tables and columns of migrations 003 on did not exist then.
    const db = new Database(dbFile);
    db.exec('DROP TABLE mes_runs; DROP TRIGGER hub_outbox_attempt_finish; DROP TRIGGER hub_outbox_attempt_insert; DROP TRIGGER hub_outbox_device; DROP TRIGGER hub_outbox_serial; DROP TABLE hub_outbox; DROP TABLE hub_serial_blocks; DROP TABLE hub_reels; DROP TABLE hub_lots; DROP TABLE hub_link; ALTER TABLE adapters DROP COLUMN price; ALTER TABLE adapter_types DROP COLUMN price; DROP TABLE mes_config; DROP TABLE mes_publish_state; DROP TABLE mes_outbox; DROP TRIGGER attempt_totals_finish; DROP TRIGGER attempt_totals_insert; DROP TRIGGER adapter_totals_insert; DROP TRIGGER adapter_days_insert; DROP TABLE adapter_days; DROP TRIGGER adapter_totals_socket; DROP TRIGGER device_totals_insert; DROP TABLE attempt_totals; DROP TABLE site_totals; DROP TABLE failure_totals; DROP TABLE device_totals; DROP TABLE adapter_totals; DROP TABLE runs; ALTER TABLE events DROP COLUMN actor; DROP TABLE job_releases; DROP TABLE job_serial_rules; DROP TABLE serial_ledger; DROP TABLE serial_rules; DROP TABLE serials; DROP TABLE lot_leases; DROP TABLE image_checks;');
    db.pragma('user_version = 2');
    db.close();
    expect(fs.existsSync(backupDir(dbFile))).toBe(false);

    const r = runCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json', '--speed', 'unlimited']);
    expect(r.code, r.stderr).toBe(EXIT.ok);
    const newest = loadMigrations().length;
    const m = /migrating the database from schema 2 to (\d+); backup: (\S+)\n/.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    expect(Number(m![1])).toBe(newest);
    const backup = m![2];
    expect(path.dirname(backup)).toBe(backupDir(dbFile));
    expect(fs.readdirSync(backupDir(dbFile))).toEqual([path.basename(backup)]);

    // The backup is the database as it was: schema 2, the lot untouched, healthy.
    const b = new Database(backup, { readonly: true });
    expect(b.pragma('user_version', { simple: true })).toBe(2);
    expect(b.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(b.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'serials'").pluck().get()).toBe(0);
    expect(b.prepare("SELECT quantity FROM reels WHERE lot_id = 'LOT-1'").pluck().get()).toBe(8);
    expect(b.prepare('SELECT count(*) FROM devices').pluck().get()).toBe(0);
    b.close();

    // The live database was migrated and the lot ran.
    expect(lotRows(dbFile)).toMatchObject({ devices: 8, distinct: 8, integrity: 'ok' });
    const live = new Database(dbFile, { readonly: true });
    expect(live.pragma('user_version', { simple: true })).toBe(newest);
    live.close();

    // A database already at the newest schema is not backed up again.
    runCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json', '--speed', 'unlimited']);
    expect(fs.readdirSync(backupDir(dbFile))).toHaveLength(1);
  });
});
