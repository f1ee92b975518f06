import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../helpers/cli.js';
import { lotFixture, lotRows } from '../helpers/lot-fixture.js';
import { tmpDir } from '../helpers/tmp.js';

const dir = tmpDir();

/** Starts `gangflash run` as its own process; resolves with its exit code (null when killed) after `killAfterMs` or its end. */
function runProcess(dbFile: string, killAfterMs?: number): Promise<{ code: number | null; signal: string | null; lines: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/entry.ts'), '--db', dbFile, 'run', '--lot', 'LOT-1', '--json', '--speed', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let lines = 0;
    child.stdout.on('data', (b: Buffer) => (lines += b.toString().split('\n').length - 1));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, lines });
    });
  });
}

/** A small seeded generator, so the kill moments are the same on every run of the test. */
function* moments(seed: number): Generator<number> {
  let x = seed;
  for (;;) {
    x = (x * 1103515245 + 12345) % 2147483648;
    yield 700 + (x % 1800);
  }
}

describe('crash-safe resume', () => {
  it('a run killed with SIGKILL at several random moments and resumed ends with exactly the lot quantity of rows', async () => {
    const quantity = 96;
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'kill'), devices: quantity, imageBytes: 8 << 20, serial: 'KS000001@0x1000000', sim: { speed: 1, linkLostRate: 0 } });
    const at = moments(2447);
    const kills: { ms: number; devices: number }[] = [];
    for (let i = 0; i < 4; i++) {
      const ms = at.next().value as number;
      const r = await runProcess(dbFile, ms);
      const rows = lotRows(dbFile);
      kills.push({ ms, devices: rows.devices });
      // Whatever moment the kill hit, what is there is consistent.
      expect(rows).toMatchObject({ distinct: rows.devices, duplicateSerials: 0, integrity: 'ok', failedWithoutCode: 0 });
      if (r.signal === null) break; // the lot finished before the kill
    }
    console.log(`killed at ${kills.map((k) => `${k.ms} ms (${k.devices} devices recorded)`).join(', ')}`);
    expect(kills.some((k) => k.devices < quantity)).toBe(true);
    const last = await runProcess(dbFile);
    expect(last.code).toBe(0);
    const rows = lotRows(dbFile);
    expect(rows).toMatchObject({ devices: quantity, distinct: quantity, duplicateSerials: 0, failedWithoutCode: 0, integrity: 'ok' });
    expect(rows.passed + rows.failed).toBe(quantity);
  }, 120_000);
});
