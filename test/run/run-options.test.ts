import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { parseChunk } from '../../src/cli/commands/run.js';
import { runCli } from '../helpers/cli.js';
import { lotFixture, lotRows } from '../helpers/lot-fixture.js';
import { tmpDir } from '../helpers/tmp.js';

const dir = tmpDir('gangflash-run-options-');

describe('run: fan-out ring options', () => {
  it('a lot runs through a ring of 4 chunks of 64 KiB: a 1 MiB image streams 16 chunks a wave, every device recorded', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'small-ring'), devices: 16, imageBytes: 1 << 20 });
    const r = runCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json', '--speed', 'unlimited', '--ring-slots', '4', '--ring-chunk', '64K']);
    expect(r.code, r.stderr).toBe(EXIT.ok);
    expect(lotRows(dbFile)).toMatchObject({ devices: 16, distinct: 16, integrity: 'ok' });
  });

  it('a ring chunk that is not a multiple of 4K, or a ring over 1 GiB, is refused before anything runs', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'bad-ring'), devices: 8 });
    const odd = runCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--ring-chunk', '1000']);
    expect(odd.code).toBe(EXIT.userError);
    expect(odd.stderr).toMatch(/--ring-chunk must be a multiple of 4K from 64K to 64M, e\.g\. 1M \(got "1000"\)/);
    const huge = runCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--ring-slots', '4096', '--ring-chunk', '1M']);
    expect(huge.code).toBe(EXIT.userError);
    expect(huge.stderr).toMatch(/keep the ring at 1 GiB or less/);
    expect(lotRows(dbFile).attempts).toBe(0);
  });

  it('a count option out of range is refused naming the option, e.g. --cycle-timeout 0, before anything runs', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'bad-count'), devices: 2 });
    for (const [flag, bad] of [['--cycle-timeout', '0'], ['--site-fail-limit', '-3'], ['--stop-yield-after', '1e3'], ['--slow-consumer-ms', '0x10']]) {
      const r = runCli(['--db', dbFile, 'run', '--lot', 'LOT-1', flag, bad, '--json']);
      expect(r.code, flag).toBe(EXIT.userError);
      expect(JSON.parse(r.stdout).error.code).toBe('bad-number');
      expect(r.stderr).toContain(`${flag} ${bad}: give a whole decimal number from 1 to 100,000,000`);
    }
    expect(lotRows(dbFile).attempts).toBe(0);
  });

  it('chunk sizes read as bytes, K or M', () => {
    expect([parseChunk('65536'), parseChunk('256K'), parseChunk('4M'), parseChunk('1MiB')]).toEqual([65536, 262144, 4194304, 1048576]);
    expect(() => parseChunk('128M')).toThrow(/64M/);
    expect(() => parseChunk('1.5M')).toThrow(/multiple of 4K/);
  });
});
