import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, runCli } from '../helpers/cli.js';
import { lotFixture } from '../helpers/lot-fixture.js';
import { tmpDir } from '../helpers/tmp.js';
import { events, spawnCli, until } from '../reliability/spawn-cli.js';
import { countDistinct, expectedFromDb, schemaErrors, type Envelope } from './cfx-check.js';
import { openDb } from '../../src/db/open.js';
import { OutboxStore } from '../../src/store/outbox.js';

/** A lot with failures of every kind: a broken socket (retries, a site disabled: an alarm) and wrong chips (disqualified). */
async function faultyLot(dir: string, devices: number) {
  return lotFixture({ dir, devices, programmers: 2, sites: 4, imageBytes: 4096, serial: 'SN00000001@0x100000', sim: { wrongChipRate: 0.03 }, simPer: { 1: { brokenSites: [2] } } });
}

describe('MES file sink', () => {
  it('a lot writes one valid CFX envelope per line for every attempt, failed or serialized device, alarm, run and reel, and leaves the outbox empty', async () => {
    const dir = tmpDir('gangflash-mes-file-');
    const { dbFile } = await faultyLot(dir, 120);
    const folder = path.join(dir, 'cfx');
    expect(runCli(['--db', dbFile, 'mes', 'set', '--handle', 'Acme.Line3.Prog-07', '--folder', folder]).code).toBe(0);
    const run = runCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json']);
    expect(run.code, run.stderr).toBe(0);

    const lines = fs.readdirSync(folder).flatMap((f) => fs.readFileSync(path.join(folder, f), 'utf8').split('\n').filter(Boolean));
    const envs = lines.map((l) => JSON.parse(l) as Envelope);
    const exp = expectedFromDb(dbFile);
    const { counts, conflicting } = countDistinct(envs);
    expect(conflicting).toEqual([]);
    expect(new Set(envs.map((e) => e.UniqueID)).size).toBe(envs.length);
    expect(schemaErrors(envs)).toEqual([]);
    expect(exp['CFX.ResourcePerformance.FaultOccurred']).toBeGreaterThan(0);
    expect(exp['CFX.Production.UnitsDisqualified']).toBeGreaterThan(0);
    for (const name of Object.keys(exp).filter((k) => k.startsWith('CFX.'))) expect(counts[name] ?? 0, name).toBe(exp[name as keyof typeof exp]);
    expect(counts['CFX.Production.WorkCompleted']).toBe(1);
    expect(counts['CFX.ResourcePerformance.StationStateChanged']).toBe(2);
    expect(counts['CFX.Materials.Storage.MaterialsLoaded']).toBe(1);
    expect(exp.outbox).toBe(0);
    // Every envelope names this station and carries the image's SHA-256 where a unit was processed.
    expect(envs.every((e) => e.Source === 'Acme.Line3.Prog-07')).toBe(true);
    const processed = envs.find((e) => e.MessageName === 'CFX.Production.Processing.UnitsProcessed') as Envelope;
    const params = (processed.MessageBody.CommonProcessData as { Parameters: { Name: string; Value: string }[] }).Parameters;
    expect(params.find((p) => p.Name === 'ImageSHA256')?.Value).toMatch(/^[0-9a-f]{64}$/);

    const status = runCli(['--db', dbFile, 'mes', 'status', '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ pending: 0, config: { sink: 'file', handle: 'Acme.Line3.Prog-07' } });
    const tail = runCli(['--db', dbFile, 'mes', 'tail', '-n', '3']);
    expect(tail.stdout.trim().split('\n').map((l) => (JSON.parse(l) as Envelope).MessageName)).toHaveLength(3);
    // The unit messages, built from the attempts rows, are in the tail too, in TimeStamp order with the outbox's.
    const long = runCli(['--db', dbFile, 'mes', 'tail', '-n', '100']).stdout.trim().split('\n').map((l) => JSON.parse(l) as Envelope);
    expect(long).toHaveLength(100);
    expect(long.some((e) => e.MessageName === 'CFX.Production.Processing.UnitsProcessed')).toBe(true);
    const times = long.map((e) => e.TimeStamp as string);
    expect(times).toEqual([...times].sort());
  });

  it('an unreadable credentials file never stops a run: its messages wait in the outbox and `mes publish` sends them later', async () => {
    const dir = tmpDir('gangflash-mes-later-');
    const { dbFile } = await faultyLot(dir, 24);
    expect(runCli(['--db', dbFile, 'mes', 'set', '--handle', 'Acme.Line3.Prog-07', '--broker', 'amqp://127.0.0.1:1']).code).toBe(0);
    const run = runCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json'], { env: { GANGFLASH_MES_CREDENTIALS_FILE: path.join(dir, 'missing') } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('cannot read the MES credentials file');
    const waiting = expectedFromDb(dbFile).outbox;
    expect(waiting).toBeGreaterThan(24);
    // The live view's reading counts the insertions waiting up to a cap; `mes status` counts them all.
    const db = openDb(dbFile, { create: false });
    const store = new OutboxStore(db);
    expect(store.backlog(5)).toMatchObject({ capped: true });
    expect(store.backlog()).toMatchObject({ pending: waiting, capped: false });
    db.close();
    const folder = path.join(dir, 'cfx');
    expect(runCli(['--db', dbFile, 'mes', 'set', '--handle', 'Acme.Line3.Prog-07', '--folder', folder]).code).toBe(0);
    const publish = runCli(['--db', dbFile, 'mes', 'publish', '--once', '--json']);
    expect(publish.code, publish.stderr).toBe(0);
    expect(JSON.parse(publish.stdout)).toEqual({ sent: waiting, pending: 0 });
    const envs = fs.readdirSync(folder).flatMap((f) => fs.readFileSync(path.join(folder, f), 'utf8').split('\n').filter(Boolean)).map((l) => JSON.parse(l) as Envelope);
    expect(envs).toHaveLength(waiting);
    expect(schemaErrors(envs)).toEqual([]);
  });

  it('a run SIGKILLed is found killed by `mes publish`: its StationOffline, dated at its last record, and its passing faults cleared are published once', { timeout: 60_000 }, async () => {
    const dir = tmpDir('gangflash-mes-killed-');
    // Real speed, so the lot lasts long enough to kill; sim-1 at a fiftieth of it outlasts --cycle-timeout 1 (passing faults).
    const { dbFile } = await lotFixture({ dir, devices: 200, programmers: 2, sites: 4, imageBytes: 8 << 20, serial: 'SN00000001@0x1000000', sim: { speed: 1 }, simPer: { 1: { speed: 0.02 } } });
    const folder = path.join(dir, 'cfx');
    expect(runCli(['--db', dbFile, 'mes', 'set', '--handle', 'Acme.Line3.Prog-07', '--folder', folder]).code).toBe(0);
    const run = spawnCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json', '--cycle-timeout', '1']);
    const results = () => events(run).filter((e) => e.type === 'device-result' && e.programmer === 'sim-2').length;
    await until(() => results() >= 16 && events(run).some((e) => e.type === 'alarm' && e.code === 'programmer-lost'), 'devices and a lost programmer');
    run.child.kill('SIGKILL');
    const killedAt = new Date().toISOString();
    expect(await run.exit).toBe('SIGKILL');
    const raised = events(run).filter((e) => e.type === 'alarm' && (e.code === 'cycle-timeout' || e.code === 'programmer-lost')).length;

    const publish = runCli(['--db', dbFile, 'mes', 'publish', '--once', '--json']);
    expect(publish.code, publish.stderr).toBe(0);
    expect(JSON.parse(runCli(['--db', dbFile, 'mes', 'publish', '--once', '--json']).stdout)).toEqual({ sent: 0, pending: 0 }); // closed once: nothing more
    const envs = fs.readdirSync(folder).flatMap((f) => fs.readFileSync(path.join(folder, f), 'utf8').split('\n').filter(Boolean)).map((l) => JSON.parse(l) as Envelope);
    const { distinct } = countDistinct(envs);
    const named = (n: string) => distinct.filter((e) => e.MessageName === `CFX.ResourcePerformance.${n}`);
    expect(named('StationOnline')).toHaveLength(1);
    expect(named('StationOffline')).toHaveLength(1);
    const last = distinct.filter((e) => e.MessageName === 'CFX.Production.Processing.UnitsProcessed').map((e) => String(e.TimeStamp)).sort().at(-1) as string;
    const offlineAt = String(named('StationOffline')[0].TimeStamp);
    expect(offlineAt >= last && offlineAt <= killedAt, `${last} <= ${offlineAt} <= ${killedAt}`).toBe(true);
    const occurred = named('FaultOccurred').map((e) => (e.MessageBody.Fault as { FaultOccurrenceId: string }).FaultOccurrenceId);
    expect(occurred.length).toBe(raised);
    expect(named('FaultCleared').map((e) => e.MessageBody.FaultOccurrenceId).sort()).toEqual([...occurred].sort());
    expect(schemaErrors(envs)).toEqual([]);
  });

  it('a station without MES set up writes nothing to the outbox', async () => {
    const dir = tmpDir('gangflash-mes-off-');
    const { dbFile } = await faultyLot(dir, 16);
    expect(runCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json']).code).toBe(0);
    expect(expectedFromDb(dbFile).outbox).toBe(0);
    expect(JSON.parse(runCli(['--db', dbFile, 'mes', 'status', '--json']).stdout)).toMatchObject({ config: null, pending: 0, sentKept: 0 });
  });

  it('mes tail -n takes only a whole decimal number: abc, 1e309 or a huge one is a bad-number error, not an internal error', () => {
    const dbFile = path.join(tmpDir('gangflash-mes-tail-'), 'tail.db');
    expect(runCli(['--db', dbFile, 'db', 'init']).code).toBe(0);
    for (const bad of ['abc', '1e309', '99999999999999999999', '-1']) {
      const r = runCli(['--db', dbFile, 'mes', 'tail', '-n', bad]);
      expect(r.code, bad).toBe(1);
      expect(r.stderr).toContain(`--lines ${bad}: give a whole decimal number from 0 to 1,000,000 [bad-number]`);
      expect(r.stderr).not.toMatch(/internal error|    at /);
    }
    expect(runCli(['--db', dbFile, 'mes', 'tail', '-n', '5']).code).toBe(0);
  });

  it('mes publish --once --timeout takes only a whole number of seconds: abc (which waited for ever) or 1e309 is refused', () => {
    const dir = tmpDir('gangflash-mes-timeout-');
    const dbFile = path.join(dir, 'timeout.db');
    expect(runCli(['--db', dbFile, 'db', 'init']).code).toBe(0);
    expect(runCli(['--db', dbFile, 'mes', 'set', '--handle', 'Acme.Line3.Prog-07', '--folder', path.join(dir, 'cfx')]).code).toBe(0);
    for (const bad of ['abc', '1e309', '-5']) {
      const r = runCli(['--db', dbFile, 'mes', 'publish', '--once', '--timeout', bad, '--json'], { timeoutMs: 20_000 });
      expect(r.code, bad).toBe(1);
      expect(JSON.parse(r.stdout).error.code).toBe('bad-number');
      expect(r.stderr).toContain(`--timeout ${bad}: give a whole decimal number from 0 to 604,800`);
    }
    expect(JSON.parse(runCli(['--db', dbFile, 'mes', 'publish', '--once', '--timeout', '5', '--json']).stdout)).toEqual({ sent: 0, pending: 0 });
  });

  it('mes set --folder with a relative path stores it absolute, so a run started elsewhere writes to the same folder', () => {
    const dir = tmpDir('gangflash-mes-relative-');
    const dbFile = path.join(dir, 'rel.db');
    expect(runCli(['--db', dbFile, 'db', 'init']).code).toBe(0);
    const relative = path.relative(root, path.join(dir, 'cfx')); // runCli runs in the repository's root
    expect(runCli(['--db', dbFile, 'mes', 'set', '--handle', 'Acme.Line3.Prog-07', '--folder', relative]).code).toBe(0);
    expect(JSON.parse(runCli(['--db', dbFile, 'mes', 'status', '--json']).stdout).config.folder).toBe(path.join(dir, 'cfx'));
  });

  it('mes set --folder naming a file or a device is refused at once and nothing is stored', () => {
    const dir = tmpDir('gangflash-mes-notdir-');
    const dbFile = path.join(dir, 'notdir.db');
    expect(runCli(['--db', dbFile, 'db', 'init']).code).toBe(0);
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, 'x');
    for (const f of [file, '/dev/null']) {
      const r = runCli(['--db', dbFile, 'mes', 'set', '--handle', 'Acme.Line3.Prog-07', '--folder', f, '--json']);
      expect(r.code, f).toBe(1);
      expect(JSON.parse(r.stdout).error.code).toBe('mes-folder');
      expect(r.stderr).toContain(`--folder ${f} is a file or a device, not a folder`);
    }
    expect(JSON.parse(runCli(['--db', dbFile, 'mes', 'status', '--json']).stdout).config).toBeNull();
  });

  it('a broker URL with credentials in it is refused and nothing is stored', async () => {
    const dir = tmpDir('gangflash-mes-creds-');
    const { dbFile } = await faultyLot(dir, 4);
    const r = runCli(['--db', dbFile, 'mes', 'set', '--handle', 'Acme.Line3.Prog-07', '--broker', 'amqp://guest:secret@127.0.0.1:5672']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('must not carry credentials');
    expect(r.stderr + r.stdout).not.toContain('secret');
    expect(JSON.parse(runCli(['--db', dbFile, 'mes', 'status', '--json']).stdout).config).toBeNull();
  });
});
