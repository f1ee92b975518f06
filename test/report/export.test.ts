import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from '../../src/report/csv.js';
import { DEVICE_COLUMNS, lotDeviceRows } from '../../src/report/device-rows.js';
import { buildLotReport } from '../../src/report/lot-report.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { finishedLot } from './lot-fixture.js';

const dir = tmpDir();
const lf = finishedLot(dir);
lf.f.db.close();
const dbFile = path.join(dir, 'lot.db');

describe('lot report data', () => {
  it('carries every device with its final attempt, attempt count and failure stage', async () => {
    const { openDb } = await import('../../src/db/open.js');
    const db = openDb(dbFile);
    const r = buildLotReport(db, 'LOT-7');
    const devices = lotDeviceRows(db, 'LOT-7');
    db.close();
    expect(r.deviceCount).toBe(60);
    expect(devices).toHaveLength(60);
    // Odd n run on P-B; P-B site 3 takes n ≡ 3 (mod 4): 15 devices. n = 15 fails for good with id-mismatch (as do 30,
    // 45, 60); the other 14 fail bad-contact and pass a retry on P-B site 0. Attempts 60 + 14 = 74; passed 56, failed 4;
    // first-pass yield (60 − 4 − 14) / 60 = 42 / 60.
    expect(r.summary).toMatchObject({ planned: 60, passed: 56, failed: 4, remaining: 0, attempts: 74, firstPassYield: 42 / 60 });
    const retried = devices.filter((d) => d.attempts === 2);
    expect(retried).toHaveLength(14);
    expect(retried.slice(0, 4).map((d) => d.seq)).toEqual([3, 7, 11, 19]);
    expect(retried[0]).toMatchObject({ result: 'pass', programmer: 'P-B', site: 0, adapter: 'AD-2-0', stage: null });
    expect(devices.find((d) => d.seq === 15)).toMatchObject({ result: 'fail', failureCode: 'id-mismatch', stage: 'id', serial: null, attempts: 1 });
    expect(r.pareto).toEqual([
      { code: 'bad-contact', attempts: 14, devices: 0, cumulative: 14 / 18 },
      { code: 'id-mismatch', attempts: 4, devices: 4, cumulative: 1 },
    ]);
    const b3 = r.heatmap.find((c) => c.programmer === 'P-B' && c.site === 3)!;
    expect(b3).toMatchObject({ attempts: 15, passed: 0, yield: 0 });
    expect(r.heatmap.find((c) => c.programmer === 'P-B' && c.site === 0)).toMatchObject({ attempts: 14, passed: 14, yield: 1 });
    expect(r.timeline.reduce((s, p) => s + p.passed + p.failed, 0)).toBe(60);
    expect(r.timeline[r.timeline.length - 1].cumulative).toBeCloseTo(56 / 60, 12);
  });
});

describe('CSV and JSON export', () => {
  it('quotes fields with commas, quotes and line breaks per RFC 4180', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(12)).toBe('12');
    expect(toCsv([{ a: 'x', b: null }], ['a', 'b'])).toBe('a,b\r\nx,\r\n');
  });

  it('report lot --format csv writes every device row, and a CSV parser reads back the same values', () => {
    const out = path.join(dir, 'lot.csv');
    const r = runCli(['--db', dbFile, 'report', 'lot', 'LOT-7', '--format', 'csv', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = parse(fs.readFileSync(out, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0])).toEqual(DEVICE_COLUMNS);
    expect(rows).toHaveLength(60);
    expect(rows[2]).toMatchObject({ lot: 'LOT-7', reel: 'R1', seq: '3', result: 'pass', serial: 'SN,"0003"', attempts: '2', programmer: 'P-B', site: '0', adapter: 'AD-2-0' });
    expect(rows[14]).toMatchObject({ seq: '15', result: 'fail', failureCode: 'id-mismatch', stage: 'id', serial: '' });
  });

  it('report lot --format json prints every device row and the lot counters on stdout', () => {
    const r = runCli(['--db', dbFile, 'report', 'lot', 'LOT-7', '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { lot: { passed: number }; devices: { seq: number; serial: string | null }[] };
    expect(doc.lot.passed).toBe(56);
    expect(doc.devices).toHaveLength(60);
    expect(doc.devices[0]).toEqual({
      lot: 'LOT-7', reel: 'R1', seq: 1, result: 'pass', failureCode: null, stage: null, serial: 'SN,"0001"', attempts: 1,
      programmer: 'P-B', site: 1, adapter: 'AD-2-1', finishedAt: '2026-02-02T08:00:11.000Z',
      serialState: 'used', voidedSerials: null, firstStartedAt: '2026-02-02T08:00:06.000Z', job: 'job-1', jobVersion: 1, chip: 'TEST-EMMC16',
      dateCode: '2601', imageSha256: 'e'.repeat(64), serialFields: null, operator: null,
    });
  });

  it('--out naming the database, a folder or a FIFO is refused (exit 1) and leaves it as it was', () => {
    const before = fs.readFileSync(dbFile);
    const self = runCli(['--db', dbFile, 'report', 'lot', 'LOT-7', '--format', 'csv', '--out', dbFile, '--json']);
    expect(self.code).toBe(1);
    expect(JSON.parse(self.stdout).error.code).toBe('bad-out');
    expect(self.stderr).toContain(`--out ${dbFile} is the gangflash database`);
    expect(fs.readFileSync(dbFile).equals(before)).toBe(true);
    const fifo = path.join(dir, 'out.fifo');
    execFileSync('mkfifo', [fifo]);
    for (const target of [dir, fifo]) {
      const r = runCli(['--db', dbFile, 'report', 'lot', 'LOT-7', '--format', 'csv', '--out', target]);
      expect(r.code, target).toBe(1);
      expect(r.stderr).toContain(`--out ${target} is not a regular file (a folder, pipe or device)`);
      expect(r.stderr).not.toMatch(/internal error/);
    }
    expect(fs.statSync(fifo).isFIFO()).toBe(true);
    expect(runCli(['--db', dbFile, 'lot', 'show', 'LOT-7']).code).toBe(0);
  });

  it('--out in a folder that does not exist is a one-line user error naming the file, not an internal error', () => {
    const out = path.join(dir, 'no-such-folder', 'lot.html');
    const r = runCli(['--db', dbFile, 'report', 'lot', 'LOT-7', '--out', out, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'out-unwritable', file: out });
    expect(r.stderr).toContain(`${out}: cannot write the output (ENOENT): its folder does not exist`);
    expect(r.stderr).not.toMatch(/internal error|    at /);
  });

  it('an unknown lot or format is a one-line user error', () => {
    const a = runCli(['--db', dbFile, 'report', 'lot', 'NOPE', '--format', 'csv']);
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/no lot "NOPE".*LOT-7/);
    const b = runCli(['--db', dbFile, 'report', 'lot', 'LOT-7', '--format', 'pdf']);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/html, csv, json/);
  });
});
