import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { lotFixture, lotRows } from '../helpers/lot-fixture.js';
import { tmpDir } from '../helpers/tmp.js';
import { resumeInProcess, spawnCli, until } from './spawn-cli.js';

const dir = tmpDir('gangflash-reader-');

describe('a run whose output reader goes away', () => {
  it('exits 4 (interrupted), never 0 (done), when its stdout pipe closes mid-lot, and the lot resumes to its quantity', async () => {
    const { dbFile } = await lotFixture({ dir, devices: 40, serial: 'SN0001@0x100000' });
    const run = spawnCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json', '--speed', '0.02']);
    await until(() => run.stdout().includes('"type":"device-result"'), 'a recorded device');
    run.child.stdout!.destroy();
    expect(await run.exit).toBe(EXIT.interrupted);
    expect(lotRows(dbFile).devices).toBeLessThan(40);

    expect(await resumeInProcess(dbFile)).toBe('done');
    expect(lotRows(dbFile)).toMatchObject({ devices: 40, distinct: 40, duplicateSerials: 0, integrity: 'ok' });
  });
});
