import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { loadCatalogs } from '../../src/catalog/load.js';
import { addAdapter } from '../../src/inventory/index.js';
import { createJob } from '../../src/jobs/create.js';
import { releaseJob } from '../../src/jobs/release.js';
import { importReels } from '../../src/lots/import.js';
import { writeDemoImage } from '../../src/demo/images.js';
import { addSerialRule } from '../../src/serials/rules.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';

const dir = tmpDir('gangflash-serial-bytes-');
const MiB = 1 << 20;

/**
 * A database with one job serialized by `rule`, a lot of `devices`, and a blockdev farm of two file targets of 1 MiB:
 * the targets hold, after the run, exactly the bytes the last device of each site received.
 */
function setup(name: string, rule: Record<string, unknown>, devices: number): { dbFile: string; farm: string; targets: string[] } {
  const d = path.join(dir, name);
  fs.mkdirSync(d, { recursive: true });
  const dbFile = path.join(d, 'gangflash.db');
  const image = path.join(d, 'image.bin');
  writeDemoImage(image, [{ bytes: 32 << 10 }, { bytes: 32 << 10, fill: 0xff }], 3);
  const db = openDb(dbFile);
  return (async () => {
    try {
      loadCatalogs(db);
      for (const s of ['B-0', 'B-1']) addAdapter(db, { type: 'emmc-153-11.5x13-clam-1', serial: s });
      addSerialRule(db, rule, { file: path.join(d, 'rule.json') });
      await createJob(db, { name: 'sj', chip: 'KLM8G1GETF-B041', image, ops: 'id,program,verify', serialRule: rule.name as string });
      releaseJob(db, 'sj', 'test', null);
      const csv = path.join(d, 'reels.csv');
      fs.writeFileSync(csv, `lot,reel,part,quantity,date_code,job\nL1,R1,KLM8G1GETF-B041,${devices},2447,sj\n`);
      importReels(db, csv);
    } finally {
      db.close();
    }
    const targets = [0, 1].map((i) => path.join(d, `t${i}.img`));
    for (const t of targets) fs.writeFileSync(t, Buffer.alloc(MiB));
    const farm = path.join(d, 'farm.json');
    fs.writeFileSync(
      farm,
      JSON.stringify({ programmers: [{ name: 'readers', driver: 'blockdev', model: 'usb-emmc-reader-x4', serial: 'BD-1', sites: 2, adapters: ['B-0', 'B-1'], options: { targets: ['t0.img', 't1.img'], capacityBytes: MiB } }] }),
    );
    return { dbFile, farm, targets };
  })() as never;
}

/** The value each site's last device got, from the database: site → ledger k. */
function lastOnSite(dbFile: string): Map<number, number> {
  const db = openDb(dbFile, { create: false });
  try {
    const rows = db
      .prepare(
        `SELECT a.site, l.k FROM attempts a JOIN serial_ledger l ON l.value = a.serial
          WHERE a.id IN (SELECT max(id) FROM attempts GROUP BY site) ORDER BY a.site`,
      )
      .all() as { site: number; k: number }[];
    return new Map(rows.map((r) => [r.site, r.k]));
  } finally {
    db.close();
  }
}

const hexAt = (file: string, offset: number, n: number) => fs.readFileSync(file).subarray(offset, offset + n).toString('hex').toUpperCase();

describe('serial fields land in the programmed chip as their formats say', () => {
  it('ASCII, BCD, big- and little-endian binary, a MAC address and a list record are each at their offset', async () => {
    const list = path.join(dir, 'keys.txt');
    fs.writeFileSync(list, '; per-device keys\n[key-1] 80040 DE AD BE EF\n[key-2] 80040 01 02 03 04 , 80050 AA\n');
    const rule = {
      name: 'multi',
      fields: [
        { kind: 'counter', name: 'serial', at: '0x80000', prefix: 'SN', start: '000099' },
        { kind: 'counter', name: 'bcd', at: '0x80010', start: 123458, encoding: 'bcd', bytes: 3, step: 2 },
        { kind: 'counter', name: 'be', at: '0x80020', start: '0x01020304', encoding: 'bin-be', bytes: 4 },
        { kind: 'counter', name: 'le', at: '0x80028', start: '0x0A0B', encoding: 'bin-le', bytes: 2 },
        { kind: 'mac', name: 'mac', at: '0x80030', first: '02:00:00:00:00:FF', last: '02:00:00:00:01:01' },
        { kind: 'list', name: 'key', file: list },
      ],
    };
    const { dbFile, farm, targets } = await setup('multi', rule, 2);
    const r = runCli(['--db', dbFile, 'run', '--lot', 'L1', '--farm', farm, '--json', '--operator', 'op.bytes']);
    expect(r.code, r.stderr).toBe(EXIT.ok);
    const bySite = lastOnSite(dbFile);
    expect([...bySite.values()].sort()).toEqual([0, 1]);
    // Hand-computed, value k = 0 and k = 1:
    const want = [
      { sn: '53 4E 30 30 30 30 39 39', bcd: '12 34 58', be: '01 02 03 04', le: '0B 0A', mac: '02 00 00 00 00 FF', key: 'DE AD BE EF', extra: '00' },
      { sn: '53 4E 30 30 30 31 30 30', bcd: '12 34 60', be: '01 02 03 05', le: '0C 0A', mac: '02 00 00 00 01 00', key: '01 02 03 04', extra: 'AA' },
    ];
    for (const [site, k] of bySite) {
      const t = targets[site];
      const w = want[k];
      const h = (s: string) => s.replace(/ /g, '');
      expect(hexAt(t, 0x80000, 8)).toBe(h(w.sn)); // "SN000099" / "SN000100"
      expect(hexAt(t, 0x80010, 3)).toBe(h(w.bcd)); // 123458 / 123460 in packed BCD
      expect(hexAt(t, 0x80020, 4)).toBe(h(w.be));
      expect(hexAt(t, 0x80028, 2)).toBe(h(w.le)); // 0x0A0B / 0x0A0C least significant byte first
      expect(hexAt(t, 0x80030, 6)).toBe(h(w.mac));
      expect(hexAt(t, 0x80040, 4)).toBe(h(w.key));
      expect(hexAt(t, 0x80050, 1)).toBe(w.extra);
    }
    // The MES export names every field each passed device got, with the job, chip, reel date code and image.
    const json = runCli(['--db', dbFile, 'report', 'lot', 'L1', '--format', 'json']);
    const rows = (JSON.parse(json.stdout) as { devices: Record<string, unknown>[] }).devices;
    expect(rows.map((d) => d.serialFields).sort()).toEqual([
      'serial=SN000099;bcd=123458;be=16909060;le=2571;mac=02:00:00:00:00:FF;key=key-1',
      'serial=SN000100;bcd=123460;be=16909061;le=2572;mac=02:00:00:00:01:00;key=key-2',
    ]);
    expect(rows[0]).toMatchObject({ operator: 'op.bytes', job: 'sj', jobVersion: 1, chip: 'KLM8G1GETF-B041', dateCode: '2447', imageSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('an external generator (PG4UW custom-generator protocol) serializes each device and its values enter the ledger', async () => {
    const gen = path.join(dir, 'gen.mjs');
    fs.writeFileSync(
      gen,
      [
        "import fs from 'node:fs';",
        "const n = process.argv.find((a) => a.startsWith('-N')).slice(2);",
        "const bytes = Buffer.from('G' + n);",
        "const rec = [bytes.length, 0x00, 0x00, 0x00, ...bytes];",
        "const sum = (0x100 - (rec.reduce((a, b) => a + b, 0) & 0xff)) & 0xff;",
        "const line = ':' + Buffer.from([...rec, sum]).toString('hex').toUpperCase();",
        "fs.writeFileSync('serial.dat', `T01:${n}\\nT02:${String(Number(n) + 10).padStart(4, '0')}\\nT03:99\\nT04:\\n:020000040008F2\\n${line}\\n:00000001FF\\n`);",
      ].join('\n'),
    );
    const rule = { name: 'gen', generator: { program: process.execPath, args: [gen], start: '0500' } };
    const { dbFile, farm, targets } = await setup('gen', rule, 3);
    const r = runCli(['--db', dbFile, 'run', '--lot', 'L1', '--farm', farm, '--json']);
    expect(r.code, r.stderr).toBe(EXIT.ok);
    const db = openDb(dbFile, { create: false });
    const values = db.prepare("SELECT value FROM serial_ledger WHERE state = 'committed' ORDER BY k").pluck().all();
    db.close();
    expect(values).toEqual(['0500', '0510', '0520']);
    const bySite = lastOnSite(dbFile);
    for (const [site, k] of bySite) expect(fs.readFileSync(targets[site]).subarray(0x80000, 0x80005).toString()).toBe(`G${['0500', '0510', '0520'][k]}`);
  });
});
