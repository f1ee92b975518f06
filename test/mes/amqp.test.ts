import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { runCli } from '../helpers/cli.js';
import { lotFixture } from '../helpers/lot-fixture.js';
import { tmpDir } from '../helpers/tmp.js';
import { until } from '../reliability/spawn-cli.js';
import { BROKER, brokerAvailable, CfxReceiver, rabbitmqctl } from './broker.js';
import { countDistinct, expectedFromDb, schemaErrors } from './cfx-check.js';

const up = await brokerAvailable();

/** Expected counts (from the database) met by what the receiver got, ignoring exact duplicates. */
function received(rx: CfxReceiver, dbFile: string): boolean {
  const exp = expectedFromDb(dbFile);
  const { counts } = countDistinct(rx.envelopes);
  return Object.entries(exp).every(([k, n]) => !k.startsWith('CFX.') || (counts[k] ?? 0) >= n);
}

describe.skipIf(!up)('MES over AMQP 1.0 (RabbitMQ)', () => {
  it('a 500-device lot publishes every unit, reel, alarm and state message to the broker, each valid, with unique UniqueIDs', async () => {
    const dir = tmpDir('gangflash-mes-amqp-');
    const { dbFile } = await lotFixture({ dir, devices: 500, programmers: 4, sites: 8, imageBytes: 4096, serial: 'SN00000001@0x100000', sim: { wrongChipRate: 0.02 }, simPer: { 2: { brokenSites: [5] } } });
    const queue = `gf-mes-${process.pid}-${Date.now()}`;
    const rx = new CfxReceiver(queue);
    try {
      await rx.ready;
      expect(runCli(['--db', dbFile, 'mes', 'set', '--handle', 'Acme.Line3.Prog-07', '--broker', BROKER.url, '--address', `/queue/${queue}`]).code).toBe(0);
      const probe = runCli(['--db', dbFile, 'mes', 'test', '--json']);
      expect(probe.code, probe.stderr).toBe(0);
      const run = runCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json'], { env: { GANGFLASH_MES_DRAIN_MS: '30000' } });
      expect(run.code, run.stderr).toBe(0);
      await until(() => received(rx, dbFile), 'every expected message at the receiver', 30_000);
      await new Promise((r) => setTimeout(r, 300)); // anything extra that would still arrive
      const exp = expectedFromDb(dbFile);
      const lot = rx.envelopes.filter((e) => e.MessageName !== 'CFX.AreYouThereRequest');
      const { counts, conflicting } = countDistinct(lot);
      expect(exp.outbox).toBe(0);
      expect(rx.nonJson).toEqual([]);
      expect(conflicting).toEqual([]);
      expect(new Set(lot.map((e) => e.UniqueID)).size).toBe(lot.length); // a healthy broker: not even a resend
      expect(schemaErrors(rx.envelopes)).toEqual([]);
      for (const [name, n] of Object.entries(exp)) if (name.startsWith('CFX.')) expect(counts[name] ?? 0, name).toBe(n);
      expect(exp['CFX.Production.Processing.UnitsProcessed']).toBeGreaterThanOrEqual(500);
      expect(exp['CFX.Production.UnitsDisqualified']).toBeGreaterThan(0);
      expect(exp['CFX.ResourcePerformance.FaultOccurred']).toBeGreaterThan(0);
      expect(counts['CFX.ResourcePerformance.StationStateChanged']).toBe(2);
      expect(counts['CFX.Production.WorkCompleted']).toBe(1);
      expect(counts['CFX.Materials.Storage.MaterialsLoaded']).toBe(1);
      // Envelopes of one name travel packed, several to an AMQP message (src/mes/amqp-pack.ts).
      expect(rx.messages).toBeLessThan(lot.length / 10);
      // The station online for the run, offline after it; the reel unloaded once used up.
      expect(counts['CFX.ResourcePerformance.StationOnline']).toBe(1);
      expect(counts['CFX.ResourcePerformance.StationOffline']).toBe(1);
      expect(counts['CFX.Materials.Storage.MaterialsUnloaded']).toBe(1);
      // Every adapter that took a device, with its socket's insertions: as many as the lot's attempts on it.
      const db = openDb(dbFile, { create: false });
      const perAdapter = new Map((db.prepare(`SELECT a.serial, count(*) AS n FROM attempts t JOIN adapters a ON a.id = t.adapter_id WHERE t.lot_id = 'LOT-1' GROUP BY a.serial`).all() as { serial: string; n: number }[]).map((r) => [r.serial, r.n]));
      db.close();
      const counters = lot.find((e) => e.MessageName === 'CFX.Maintenance.ResourceMaintenanceAndServiceEvent')?.MessageBody.MachineServiceAndMaintenanceData as { UniqueIdentifier: string; MaintenanceDetails: { CurrentCounterValue: number }[] }[];
      expect(new Map(counters.map((c) => [c.UniqueIdentifier, c.MaintenanceDetails[0].CurrentCounterValue]))).toEqual(perAdapter);

      // The broken socket's site was disabled (a lasting fault, still open): an operator enables it again, and the
      // MES sees that fault acknowledged by them and cleared, under the FaultOccurrenceId it was raised with.
      const raised = lot.filter((e) => e.MessageName === 'CFX.ResourcePerformance.FaultOccurred').map((e) => (e.MessageBody as { Fault: { FaultCode: string; FaultOccurrenceId: string; Stage: { StageName: string } | null } }).Fault);
      const disabled = raised.find((f) => f.FaultCode === 'site-disabled' && f.Stage?.StageName === 'sim-2:5');
      expect(disabled).toBeDefined();
      expect(runCli(['--db', dbFile, 'sites', 'enable', 'sim-2:5', '--by', 'jdoe']).code).toBe(0);
      expect(runCli(['--db', dbFile, 'sites', 'enable', 'sim-2:5', '--by', 'jdoe']).code).toBe(0); // already mended: nothing more
      const published = runCli(['--db', dbFile, 'mes', 'publish', '--once']);
      expect(published.code, published.stderr).toBe(0);
      const about = (name: string) => rx.envelopes.filter((e) => e.MessageName === name && e.MessageBody.FaultOccurrenceId === disabled?.FaultOccurrenceId);
      await until(() => about('CFX.ResourcePerformance.FaultCleared').length > 0, 'the fault cleared at the receiver', 10_000);
      expect(about('CFX.ResourcePerformance.FaultAcknowledged').map((e) => e.MessageBody.Operator)).toEqual([{ OperatorIdentifier: 'jdoe', ActorType: 'Human', LoginName: 'jdoe' }]);
      expect(about('CFX.ResourcePerformance.FaultCleared')).toHaveLength(1);
      expect(schemaErrors(rx.envelopes)).toEqual([]);
    } finally {
      await rx.close();
      try {
        rabbitmqctl('delete_queue', queue);
      } catch {
        /* no rabbitmqctl here: the queue stays */
      }
    }
  });
});
