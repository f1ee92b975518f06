import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { openDb } from '../../src/db/open.js';
import { getChip } from '../../src/catalog/chips.js';
import { usableBytes } from '../../src/layout/fit.js';
import { addAdapter } from '../../src/inventory/index.js';
import { lotFixture, lotRows } from '../helpers/lot-fixture.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';

const dir = tmpDir('gangflash-targets-');
let n = 0;

/** A lot of 3 devices and a blockdev farm whose 2 sites write `targets` (built from the lot's own paths). */
async function blockdevRun(targets: (f: { dbFile: string; image: string; dir: string }) => string[], sites = 2): Promise<{ r: CliResult; dbFile: string }> {
  const base = path.join(dir, `lot-${n++}`);
  const { dbFile, image } = await lotFixture({ dir: base, programmers: 0, devices: 3, imageBytes: 64 << 10 });
  const db = openDb(dbFile);
  for (let s = 0; s < sites; s++) addAdapter(db, { type: 'emmc-153-11.5x13-clam-1', serial: `B-${s}` });
  db.close();
  const bk = runCli(['--db', dbFile, 'db', 'backup']);
  expect(bk.code, bk.stderr).toBe(0);
  const farm = path.join(base, 'farm.json');
  const list = targets({ dbFile, image, dir: base });
  fs.writeFileSync(
    farm,
    JSON.stringify({
      programmers: [{ name: 'readers', driver: 'blockdev', model: 'usb-emmc-reader-x4', serial: 'BD-1', sites, adapters: Array.from({ length: sites }, (_, s) => `B-${s}`), options: { targets: list, capacityBytes: 1 << 20 } }],
    }),
  );
  return { r: runCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--farm', farm, '--json']), dbFile };
}

/** A plain image file of 1 MiB that a target may be. */
function spare(d: string, name: string): string {
  const f = path.join(d, name);
  fs.writeFileSync(f, Buffer.alloc(1 << 20));
  return f;
}

function expectRefused(r: CliResult, dbFile: string, rule: string): void {
  expect(r.code, r.stderr).toBe(EXIT.userError);
  expect(r.stderr).toContain(`[${rule}]`);
  expect(r.stderr).toMatch(/refused before any device was touched/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stdout).not.toContain('cycle-start');
  const db = new Database(dbFile, { readonly: true });
  expect(db.prepare('SELECT count(*) FROM attempts').pluck().get()).toBe(0);
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  db.close();
}

describe('a blockdev target is checked by identity before the run starts', () => {
  const cases: [string, string, (f: { dbFile: string; image: string; dir: string }) => string][] = [
    ['the database file', 'target-is-gangflash-file', (f) => f.dbFile],
    ['a symbolic link to the database', 'target-is-gangflash-file', (f) => {
      const l = path.join(f.dir, 'innocent.img');
      fs.symlinkSync(f.dbFile, l);
      return l;
    }],
    ['a hard link to the database (same inode, another name)', 'target-is-gangflash-file', (f) => {
      const l = path.join(f.dir, 'card.img');
      fs.linkSync(f.dbFile, l);
      return l;
    }],
    ["the database's -wal file", 'target-is-gangflash-file', (f) => `${f.dbFile}-wal`],
    ['a backup of the database', 'target-is-gangflash-file', (f) => path.join(`${f.dbFile}.backups`, fs.readdirSync(`${f.dbFile}.backups`)[0])],
    ['the pinned image', 'target-is-gangflash-file', (f) => f.image],
    ['/etc/passwd', 'target-system-file', () => '/etc/passwd'],
    ['a hard link to another file', 'target-hard-linked', (f) => {
      const a = spare(f.dir, 'other.img');
      fs.linkSync(a, path.join(f.dir, 'other-link.img'));
      return path.join(f.dir, 'other-link.img');
    }],
    ['a FIFO', 'target-not-writable', (f) => {
      const p = path.join(f.dir, 'pipe');
      execFileSync('mkfifo', [p]);
      return p;
    }],
    ['/dev/zero (a character device)', 'target-not-writable', () => '/dev/zero'],
    ['/ (a mounted file system)', 'target-mounted', () => '/'],
    ['a path that does not exist', 'target-missing', (f) => path.join(f.dir, 'no-reader-here.img')],
  ];
  for (const [what, rule, target] of cases) {
    it(`a farm whose target is ${what} is refused with exit 1 naming ${rule}, and nothing is written`, async () => {
      let before: Buffer | undefined;
      let chosen = '';
      const { r, dbFile } = await blockdevRun((f) => {
        chosen = target(f);
        before = fs.existsSync(chosen) && fs.statSync(chosen).isFile() ? fs.readFileSync(chosen) : undefined;
        return [spare(f.dir, 'site0.img'), chosen];
      });
      expectRefused(r, dbFile, rule);
      expect(r.stderr).toContain('site 1');
      // The database itself changes (the farm file is synced into it); its integrity is checked above.
      const isDb = fs.existsSync(chosen) && fs.statSync(chosen).ino === fs.statSync(dbFile).ino;
      if (before && !isDb && !chosen.endsWith('-wal')) expect(fs.readFileSync(chosen).equals(before)).toBe(true);
    });
  }

  it('a blockdev programmer with 4 sites and 1 target is refused at farm validation (exit 1), not run as link-lost devices', async () => {
    const base = path.join(dir, 'count');
    const { dbFile } = await lotFixture({ dir: base, programmers: 0, devices: 3, imageBytes: 64 << 10 });
    const farm = path.join(base, 'farm.json');
    fs.writeFileSync(farm, JSON.stringify({ programmers: [{ name: 'r', driver: 'blockdev', model: 'usb-emmc-reader-x4', serial: 'BD-1', sites: 4, options: { targets: [spare(base, 't0.img')] } }] }));
    const r = runCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--farm', farm]);
    expect(r.code, r.stderr).toBe(EXIT.userError);
    expect(r.stderr).toMatch(/options\.targets: lists 1 target\(s\) for 4 sites; give one target per site/);
    expect(lotRows(dbFile).attempts).toBe(0);
    const add = runCli(['--db', dbFile, 'programmers', 'add', '--name', 'r2', '--driver', 'blockdev', '--model', 'usb-emmc-reader-x4', '--serial', 'BD-2', '--sites', '4', '--options', JSON.stringify({ targets: ['/tmp/x.img'] })]);
    expect(add.code).toBe(EXIT.userError);
    expect(add.stderr).toMatch(/one target per site.*\[bad-programmer-spec\]/);
  });
});

describe('preflight: what is known before the first device is an error with exit 1, not a device failure', () => {
  it('a serial rule whose later values grow past the end of the chip for the lot quantity is refused before any device', async () => {
    const base = path.join(dir, 'serial');
    fs.mkdirSync(base, { recursive: true });
    const probe = openDb(path.join(base, 'probe.db'));
    const { loadCatalogs } = await import('../../src/catalog/load.js');
    loadCatalogs(probe);
    const usable = usableBytes(getChip(probe, 'KLM8G1GETF-B041'));
    probe.close();
    // SN9 fits in the last 3 bytes; SN10 (device 2) would not.
    const { dbFile } = await lotFixture({ dir: base, devices: 12, imageBytes: 16 << 10, serial: `SN9@0x${(usable - 3).toString(16)}` });
    const r = runCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json', '--speed', 'unlimited']);
    expect(r.code, r.stderr).toBe(EXIT.userError);
    // Either rule refuses it: the value that no longer fits the chip, or (with a serial ledger whose width is fixed) a rule that runs dry.
    expect(r.stderr).toMatch(/(last serial SN20 .*past the end of the usable area.*\[serial-outside-chip\])|\[serial-exhausted\]/);
    expect(r.stdout).not.toContain('cycle-start');
    expect(lotRows(dbFile).attempts).toBe(0);
  });
});

describe('the disk the system runs from', () => {
  // A device node of our own with the root file system's device number: refused by identity, whatever its name.
  // Checked in this process through the driver's preflight only: nothing here opens the device for writing.
  it('a block device node for the disk the system runs from, under any name, is refused naming target-is-system-disk', async () => {
    const dev = fs.statSync('/').dev;
    const node = path.join(dir, 'innocent-reader');
    execFileSync('mknod', [node, 'b', String(Math.floor(dev / 256) & 0xfff), String((dev & 0xff) | ((dev >> 12) & ~0xff))]);
    const { preflightSpec } = await import('../../src/programmers/registry.js');
    const issues = preflightSpec(
      { name: 'readers', driver: 'blockdev', model: 'usb-emmc-reader', serial: 'BD', sites: 1, options: { targets: [node] } },
      { protectedFiles: [], usedSites: [0] },
    );
    expect(issues.map((i) => i.code)).toEqual(['target-is-system-disk']);
    expect(issues[0].message).toContain(node);
  });
});
