import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { lotFixture } from '../helpers/lot-fixture.js';
import { tmpDir } from '../helpers/tmp.js';
import { schemaErrors, type Envelope } from './cfx-check.js';

/** Every envelope the file sink wrote so far, in order. */
function written(folder: string): Envelope[] {
  return fs.readdirSync(folder).sort().flatMap((f) => fs.readFileSync(path.join(folder, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Envelope));
}

type Counter = { UniqueIdentifier: string; MaintenanceDetails: { CurrentCounterValue: number; CurrentRatio: number | null; LastMaintenanceValid: boolean; LastMaintenanceCounterValue: number | null }[] };

describe('MES: an adapter at the end of its socket life', () => {
  it('raises a fault the operator acknowledges by overriding and clears by replacing the socket, whose counter restarts at 0', async () => {
    const dir = tmpDir('gangflash-mes-life-');
    // Site 0's adapter is 3 insertions short of its rated 5,000: it wears out during the lot.
    const { dbFile } = await lotFixture({ dir, devices: 24, programmers: 1, sites: 2, imageBytes: 4096, prior: { 'A-1-0': 4997 } });
    const folder = path.join(dir, 'cfx');
    expect(runCli(['--db', dbFile, 'mes', 'set', '--handle', 'Acme.Line3.Prog-07', '--folder', folder]).code).toBe(0);
    const run = runCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json']);
    expect(run.code, run.stderr).toBe(0);

    const first = written(folder);
    const faults = first.filter((e) => e.MessageName === 'CFX.ResourcePerformance.FaultOccurred').map((e) => (e.MessageBody as { Fault: { FaultCode: string; FaultOccurrenceId: string; Adapter: string | null } }).Fault);
    const worn = faults.find((f) => f.FaultCode === 'adapter-life' && f.Adapter === 'A-1-0');
    expect(worn).toBeDefined();
    // The lasting fault is not cleared by the run's end; the run's counters show the worn adapter at its rated life.
    expect(first.filter((e) => e.MessageName === 'CFX.ResourcePerformance.FaultCleared')).toEqual([]);
    const counters = first.find((e) => e.MessageName === 'CFX.Maintenance.ResourceMaintenanceAndServiceEvent')?.MessageBody.MachineServiceAndMaintenanceData as Counter[];
    expect(counters.find((c) => c.UniqueIdentifier === 'A-1-0')?.MaintenanceDetails[0]).toMatchObject({ CurrentCounterValue: 5000, CurrentRatio: 100, LastMaintenanceValid: false });

    expect(runCli(['--db', dbFile, 'adapters', 'override', 'A-1-0', '--reason', 'last reel of the week', '--by', 'jdoe']).code).toBe(0);
    expect(runCli(['--db', dbFile, 'adapters', 'replace-socket', 'A-1-0']).code).toBe(0);
    expect(runCli(['--db', dbFile, 'mes', 'publish', '--once']).code).toBe(0);
    const acts = written(folder).slice(first.length);
    expect(acts.map((e) => e.MessageName)).toEqual(['CFX.ResourcePerformance.FaultAcknowledged', 'CFX.ResourcePerformance.FaultCleared', 'CFX.Maintenance.ResourceMaintenanceAndServiceEvent']);
    expect(acts[0].MessageBody).toMatchObject({ FaultOccurrenceId: worn?.FaultOccurrenceId, Operator: { OperatorIdentifier: 'jdoe' } });
    expect(acts[1].MessageBody).toMatchObject({ FaultOccurrenceId: worn?.FaultOccurrenceId });
    const after = (acts[2].MessageBody.MachineServiceAndMaintenanceData as Counter[])[0];
    expect(after).toMatchObject({ UniqueIdentifier: 'A-1-0', MaintenanceDetails: [{ CurrentCounterValue: 0, CurrentRatio: 0, LastMaintenanceValid: true, LastMaintenanceCounterValue: 0 }] });
    expect(schemaErrors(written(folder))).toEqual([]);
  });
});
