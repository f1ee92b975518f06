import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { lotFixture } from '../helpers/lot-fixture.js';
import { tmpDir } from '../helpers/tmp.js';

describe('gangflash alarms', () => {
  const base = tmpDir();

  it('lists the alarms a finished run recorded and the operator audit events, newest last, filtered by lot, kind and time', async () => {
    const { dbFile } = await lotFixture({ dir: base, programmers: 1, sites: 8, devices: 40, simPer: { 1: { brokenSites: [2] } } });
    expect(runCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json']).code).toBe(0);
    expect(runCli(['--db', dbFile, 'sites', 'enable', 'sim-1:2', '--reason', 'socket cleaned']).code).toBe(0);

    const all = runCli(['--db', dbFile, 'alarms', '--json']);
    expect(all.code).toBe(0);
    const events = JSON.parse(all.stdout) as { id: number; at: string; kind: string; code: string; lot: string | null; programmer: string | null; site: number | null; message: string }[];
    expect(events.map((e) => e.id)).toEqual([...events.map((e) => e.id)].sort((a, b) => a - b));
    const disabled = events.find((e) => e.code === 'site-disabled' && e.kind === 'alarm');
    expect(disabled).toMatchObject({ lot: 'LOT-1', programmer: 'sim-1', site: 2 });
    expect(disabled!.message).toMatch(/check the socket/);
    expect(events.at(-1)).toMatchObject({ kind: 'audit', programmer: 'sim-1', site: 2 });
    expect(events.at(-1)!.message).toMatch(/socket cleaned/);

    const alarmsOnly = JSON.parse(runCli(['--db', dbFile, 'alarms', '--lot', 'LOT-1', '--kind', 'alarm', '--json']).stdout) as { kind: string; lot: string }[];
    expect(alarmsOnly.length).toBeGreaterThan(0);
    expect(alarmsOnly.every((e) => e.kind === 'alarm' && e.lot === 'LOT-1')).toBe(true);
    expect(JSON.parse(runCli(['--db', dbFile, 'alarms', '--since', '2999-01-01', '--json']).stdout)).toEqual([]);
    expect((JSON.parse(runCli(['--db', dbFile, 'alarms', '--since', '1h', '--json']).stdout) as unknown[]).length).toBe(events.length);

    const text = runCli(['--db', dbFile, 'alarms', '--lot', 'LOT-1']);
    expect(text.stdout).toMatch(/alarm +site-disabled +LOT-1 +sim-1:2/);
  });

  it('an unknown lot or an unreadable --since is refused with a message saying what to pass', async () => {
    const { dbFile } = await lotFixture({ dir: `${base}/refuse`, programmers: 1, sites: 2, devices: 2 });
    const lot = runCli(['--db', dbFile, 'alarms', '--lot', 'NOPE', '--json']);
    expect(lot.code).toBe(1);
    expect(JSON.parse(lot.stdout).error.code).toBe('unknown-lot');
    const since = runCli(['--db', dbFile, 'alarms', '--since', 'yesterday']);
    expect(since.code).toBe(1);
    expect(since.stderr).toMatch(/--since must be a date or time such as 2026-11-27.*or an age such as 30m, 8h, 2d \(got "yesterday"\)/);
  });

  it('an age too long for a date is refused as a bad --since (exit 1, one JSON error), not an internal error', () => {
    const dbFile = `${base}/old-age.db`;
    expect(runCli(['--db', dbFile, 'db', 'init']).code).toBe(0);
    const r = runCli(['--db', dbFile, 'alarms', '--since', '99999999999d', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error.code).toBe('bad-option');
    expect(r.stderr).toMatch(/--since must be a date or time .*\(got "99999999999d"\)/);
    expect(r.stderr).not.toMatch(/internal error|RangeError|    at /);
  });

  it('--limit takes only a whole decimal number: 1e1 and 0x2 are refused, a huge one is a bad-number error, not an internal error', () => {
    const dbFile = `${base}/limit.db`;
    expect(runCli(['--db', dbFile, 'db', 'init']).code).toBe(0);
    for (const bad of ['1e1', '0x2', '99999999999999999999', '0']) {
      const r = runCli(['--db', dbFile, 'alarms', '--limit', bad, '--json']);
      expect(r.code, bad).toBe(1);
      expect(JSON.parse(r.stdout).error.code).toBe('bad-number');
      expect(r.stderr).toContain(`--limit ${bad}: give a whole decimal number from 1 to 100,000,000`);
    }
    expect(runCli(['--db', dbFile, 'alarms', '--limit', '5', '--json']).code).toBe(0);
  });
});
