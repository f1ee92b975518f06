import crypto from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../src/hub/connection.js';
import { hubLotDevices } from '../../src/hub/store/lot-report.js';
import { leaseNextReel, moveReel, type ReelLease } from '../../src/hub/store/reels.js';
import { putProgrammers } from '../../src/hub/store/stations.js';
import { uploadBatch } from '../../src/hub/store/uploads.js';
import type { UploadBatch } from '../../src/records/station-wire.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { hubWithLot } from './fixture.js';
import { freshDatabase, postgresAvailable } from './pg.js';
import { stationJournal } from './stations.js';

const up = await postgresAvailable('the hub report, plan and forecast tests');
// Failures of several codes, retries that reuse or void serial values, and a broken site the station disables.
const SIM = { speed: 'unlimited', defectMultiplier: 30, contact: { base: 0.04, atRatedLife: 0.08 }, brokenSites: [5] };
const fast = { GANGFLASH_HUB_DRAIN_MS: '500', GANGFLASH_HUB_UPLOAD_MS: '50' };
// Every column travels with the uploads (the operator and the serial fields since hub schema 3): none is the journal's alone.
const JOURNAL_ONLY: string[] = [];
const ORIGIN = ['station', 'epoch', 'late', 'conflict'];

/** CSV text (RFC 4180: quoted fields may hold commas and doubled quotes) as rows of fields. */
const csvRows = (text: string) =>
  text.trimEnd().split('\r\n').map((line) => [...line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)].map((m) => m[1].replace(/^"|"$/g, '').replaceAll('""', '"')));
/** The rows without the columns named. */
const without = (rows: string[][], names: string[]) => {
  const drop = new Set(names.map((n) => rows[0].indexOf(n)).filter((i) => i >= 0));
  return rows.map((r) => r.filter((_, i) => !drop.has(i)));
};
const omit = (o: Record<string, unknown>, names: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !names.includes(k)));

describe.skipIf(!up)('report, plan and adapters forecast --hub print what they print against the one station journal holding the same lot', () => {
  const dir = tmpDir('gangflash-hub-report-');
  let url: string;
  let journal: string;
  beforeAll(async () => {
    url = await freshDatabase('report');
    journal = await stationJournal(path.join(dir, 'A'), { reels: 2, quantity: 40, sim: SIM });
    expect(runCli(['hub', 'init', '--hub', url]).code).toBe(EXIT.ok);
    expect(runCli(['--db', journal, 'hub', 'publish', '--lot', 'LOT-1', '--hub', url]).code).toBe(EXIT.ok);
    const run = runCli(['--db', journal, 'run', '--lot', 'LOT-1', '--hub', url, '--station', 'A', '--json', '--speed', 'unlimited'], { env: fast });
    expect(run.code, run.stderr).toBe(EXIT.ok);
  }, 120_000);

  const both = (format: string) => {
    const local = runCli(['--db', journal, 'report', 'lot', 'LOT-1', '--format', format]);
    const hub = runCli(['report', 'lot', 'LOT-1', '--format', format, '--hub', url]);
    expect(local.code, local.stderr).toBe(EXIT.ok);
    expect(hub.code, hub.stderr).toBe(EXIT.ok);
    return { local: local.stdout, hub: hub.stdout };
  };

  it('--format csv: the same device rows, then each row\'s station and epoch (none late, none kept apart)', () => {
    const r = both('csv');
    const [local, hub] = [csvRows(r.local), csvRows(r.hub)];
    expect(local).toHaveLength(81);
    expect(hub[0].slice(-4)).toEqual(ORIGIN);
    expect(hub.slice(1).every((row) => row.slice(-4).join(',') === 'A,1,false,false')).toBe(true);
    expect(without(hub, [...ORIGIN, ...JOURNAL_ONLY])).toEqual(without(local, JOURNAL_ONLY));
    // The comparison covers failures, retried devices and voided serial values, not only clean passes.
    const col = (name: string) => local.slice(1).map((row) => row[local[0].indexOf(name)]);
    expect(col('result')).toContain('fail');
    expect(col('attempts').some((n) => Number(n) > 1)).toBe(true);
    expect(col('operator').every((o) => o.length > 0)).toBe(true);
    expect(col('serialFields').some((f) => f.length > 0)).toBe(true);
  });

  it('--format json: the same summary, timeline, site heat map (with the disabled site), Pareto and devices', () => {
    const r = both('json');
    const [local, hub] = [JSON.parse(r.local), JSON.parse(r.hub)];
    expect(hub.lot).toEqual(local.lot);
    expect(hub.timeline).toEqual(local.timeline);
    expect(hub.sites).toEqual(local.sites);
    expect(hub.pareto).toEqual(local.pareto);
    expect(hub.devices.map((d: Record<string, unknown>) => omit(d, [...ORIGIN, ...JOURNAL_ONLY]))).toEqual(local.devices.map((d: Record<string, unknown>) => omit(d, JOURNAL_ONLY)));
    expect(local.pareto.length).toBeGreaterThan(1);
    expect(local.sites.some((s: { disabled: boolean }) => s.disabled)).toBe(true);
  });

  it('--format html: the same document but for the time it was generated', () => {
    const r = both('html');
    const generated = /generated [^<]+<\/div>/;
    expect(r.hub.replace(generated, '')).toBe(r.local.replace(generated, ''));
    expect(r.hub.match(/<tr class="/g)).toHaveLength(80);
  });

  it('plan --hub: the same plan from the chip\'s history on the hub (yield, insertions per device, median attempt time)', () => {
    const args = ['plan', '--chip', 'KLM8G1GETF-B041', '--image', path.join(dir, 'A', 'image.bin'), '--qty', '1000', '--json'];
    const local = runCli(['--db', journal, ...args]);
    const hub = runCli(['--db', journal, ...args, '--hub', url]);
    expect(local.code, local.stderr).toBe(EXIT.ok);
    expect(hub.code, hub.stderr).toBe(EXIT.ok);
    // The finish time is the moment of planning plus the hours: the only figure that differs from one run to the next.
    const [l, h] = [JSON.parse(local.stdout), JSON.parse(hub.stdout)];
    expect(omit(h, ['finishesAt'])).toEqual(omit(l, ['finishesAt']));
    expect(l.cycle.basis).toBe('history');
    expect(l.yield).toMatchObject({ basis: 'history', devices: 80 });
    expect(l.yield.value).toBeLessThan(1);
    const compare = runCli(['--db', journal, ...args, '--compare', 'isp', '--hub', url]);
    expect(compare.code).toBe(EXIT.userError);
    expect(compare.stderr).toMatch(/leave out --hub.*\[compare-hub\]/);
  });

  it('adapters forecast --hub: the same adapters, insertions used and left, rate window and state', () => {
    const local = runCli(['--db', journal, 'adapters', 'forecast', '--json']);
    const hub = runCli(['adapters', 'forecast', '--json', '--hub', url]);
    expect(local.code, local.stderr).toBe(EXIT.ok);
    expect(hub.code, hub.stderr).toBe(EXIT.ok);
    const [l, h] = [JSON.parse(local.stdout), JSON.parse(hub.stdout)];
    expect(h).toEqual(l);
    expect(l.adapters).toHaveLength(16);
    expect(l.adapters.every((a: { used: number }) => a.used > 0)).toBe(true);
    const text = (args: string[]) => runCli(args).stdout;
    expect(text(['adapters', 'forecast', '--hub', url])).toBe(text(['--db', journal, 'adapters', 'forecast']));
  });

  it('a lot the hub does not have is a usage error naming the lots it has', () => {
    const r = runCli(['report', 'lot', 'NOPE', '--hub', url]);
    expect(r.code).toBe(EXIT.userError);
    expect(r.stderr).toMatch(/no lot "NOPE" on the hub \(lots: LOT-1\).*\[unknown-lot\]/);
  });
});

/** A station's records of devices `seqs` of a leased reel, each passing at its first insertion. */
function recordsOf(station: string, lease: ReelLease, seqs: number[], epoch = lease.epoch): UploadBatch {
  const at = (s: number) => `2026-01-01T00:00:${String(s).padStart(2, '0')}.000Z`;
  return {
    station,
    attempts: seqs.map((seq) => ({ id: crypto.randomUUID(), lot: lease.lot, reel: lease.reel, seq, attempt: 1, programmer: `${station}-P1`, site: seq % 4, adapter: null, startedAt: at(seq), endedAt: at(seq + 1), result: 'pass' as const, failureCode: null, stage: null, badBlocks: 0, serial: null, epoch })),
    devices: seqs.map((seq) => ({ lot: lease.lot, reel: lease.reel, seq, result: 'pass' as const, failureCode: null, serial: null, finishedAt: at(seq + 1), epoch })),
    ledger: [],
  };
}

describe.skipIf(!up)('report lot --hub over stations whose reel moved', () => {
  let hub: Hub;
  let url: string;
  beforeAll(async () => {
    url = await freshDatabase('report2');
    hub = await hubWithLot(url, { reels: 1, quantity: 20, stations: ['S1', 'S2'] });
    for (const s of ['S1', 'S2']) await putProgrammers(hub, s, [{ serial: `${s}-P1`, name: `P1`, driver: 'sim', model: 'SIM-4', sites: 4 }]);
    // S1 records 1..10 and, offline, 11..14; the reel moves to S2 at 10, which records 11..13 before S1's backlog lands.
    const old = (await leaseNextReel(hub, 'LOT-H', 'S1', 'p'))!;
    await uploadBatch(hub, recordsOf('S1', old, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    const moved = await moveReel(hub, 'LOT-H', old.reel, 'S2', 'operator');
    await uploadBatch(hub, recordsOf('S2', moved, [11, 12, 13]));
    await uploadBatch(hub, recordsOf('S1', old, [11, 12, 13, 14]));
  });
  afterAll(async () => hub?.close());

  it('shows every device the hub counts: the late one in its place, the ones kept apart after the row they share a position with', () => {
    const r = runCli(['report', 'lot', 'LOT-H', '--format', 'csv', '--hub', url]);
    expect(r.code, r.stderr).toBe(EXIT.ok);
    const rows = csvRows(r.stdout);
    const h = rows[0];
    const pick = (row: string[]) => ['seq', 'station', 'epoch', 'late', 'conflict', 'programmer'].map((c) => row[h.indexOf(c)]).join(' ');
    expect(rows.slice(11).map(pick)).toEqual([
      '11 S2 2 false false S2/P1',
      '11 S1 1 true true S1/P1',
      '12 S2 2 false false S2/P1',
      '12 S1 1 true true S1/P1',
      '13 S2 2 false false S2/P1',
      '13 S1 1 true true S1/P1',
      '14 S1 1 true false S1/P1',
    ]);
    const json = JSON.parse(runCli(['report', 'lot', 'LOT-H', '--hub', url, '--json']).stdout);
    expect(json.devices).toHaveLength(17);
    expect(json.lot).toMatchObject({ passed: 17, failed: 0, planned: 20, remaining: 3, status: 'running' });
    const html = runCli(['report', 'lot', 'LOT-H', '--hub', url]).stdout;
    expect(html.match(/<tr class="pass conflict" title="kept apart: another chip at this position, by station S1 under reel epoch 1/g)).toHaveLength(3);
    expect(html.match(/<tr class="pass late" title="uploaded late, by station S1/g)).toHaveLength(1);
  });

  it('the device walk reads through a server-side cursor in batches: with the first batch out, the cursor is open in the snapshot', async () => {
    const seen = await hub.snapshot(async (c) => {
      const walk = hubLotDevices(c, 'LOT-H');
      const first = await walk.next();
      const open = (await c.query(`SELECT name FROM pg_cursors`)).rows.map((r) => r.name);
      await walk.return(undefined);
      return { first: first.value, open };
    });
    expect(seen.first).toHaveLength(17);
    expect(seen.first[0]).toMatchObject({ reel: 'RE-01', seq: 1, station: 'S1' });
    expect(seen.open).toEqual(['hub_lot_devices']);
  });
});

describe.skipIf(!up)('adapters inventory|forecast --hub after a socket replacement and a life override on the station', () => {
  const dir = tmpDir('gangflash-hub-socket-');

  it('the next run reports the socket to the hub: the same insertions since the new receptacle, the same override, as on the station', async () => {
    const url = await freshDatabase('socket');
    const journal = await stationJournal(path.join(dir, 'A'), { reels: 2, quantity: 24, serial: null, sim: SIM });
    expect(runCli(['hub', 'init', '--hub', url]).code).toBe(EXIT.ok);
    expect(runCli(['--db', journal, 'hub', 'publish', '--lot', 'LOT-1', '--hub', url]).code).toBe(EXIT.ok);
    const run = (reel: string) => runCli(['--db', journal, 'run', '--lot', 'LOT-1', '--hub', url, '--station', 'A', '--reel', reel, '--json', '--speed', 'unlimited'], { env: fast });
    expect(run('R1').code).toBe(EXIT.ok);
    const inventory = (args: string[]) => JSON.parse(runCli([...args, '--json']).stdout).adapters as { serial: string; insertions: number; overrideLife: boolean }[];
    const before = inventory(['--db', journal, 'adapters', 'inventory']).find((a) => a.serial === 'A-1-0')!;
    expect(before.insertions).toBeGreaterThan(0);
    expect(runCli(['--db', journal, 'adapters', 'replace-socket', 'A-1-0']).code).toBe(EXIT.ok);
    const override = runCli(['--db', journal, 'adapters', 'override', 'A-1-1', '--reason', 'last lot on this socket']);
    expect(override.code, override.stderr).toBe(EXIT.ok);
    expect(run('R02').code).toBe(EXIT.ok);
    const text = (args: string[]) => runCli(args).stdout;
    expect(text(['adapters', 'inventory', '--hub', url])).toBe(text(['--db', journal, 'adapters', 'inventory']));
    expect(text(['adapters', 'forecast', '--hub', url])).toBe(text(['--db', journal, 'adapters', 'forecast']));
    const hub = inventory(['adapters', 'inventory', '--hub', url]);
    const local = inventory(['--db', journal, 'adapters', 'inventory']);
    const pick = (rows: typeof hub, serial: string) => rows.find((a) => a.serial === serial)!;
    // The replaced socket counts only the second reel's insertions; the overridden adapter says so on both.
    expect(pick(hub, 'A-1-0').insertions).toBe(pick(local, 'A-1-0').insertions);
    expect(pick(hub, 'A-1-0').insertions).toBeLessThan(before.insertions + pick(local, 'A-1-0').insertions);
    expect(pick(hub, 'A-1-1')).toMatchObject({ overrideLife: true });
  }, 120_000);
});
