import type { Command } from 'commander';
import { dbPath } from '../context.js';
import { outputMode } from '../run-output.js';
import { runLotCommand } from '../run-lot.js';
import { UsageError } from '../../errors.js';

/** Parses --speed: a positive number or `unlimited`. */
export function parseSpeed(v: string): number | 'unlimited' {
  if (v === 'unlimited') return v;
  const n = Number(v);
  if (!(n > 0)) throw new UsageError('bad-option', `--speed must be a positive number or "unlimited" (got "${v}")`);
  return n;
}

function share(v: string): number {
  const n = Number(v);
  if (!(n >= 0 && n <= 1)) throw new UsageError('bad-option', `--stop-yield must be a share from 0 to 1, e.g. 0.9 (got "${v}")`);
  return n;
}

function count(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError('bad-option', `expected a whole number ≥ 1 (got "${v}")`);
  return n;
}

/** `gangflash run --lot L`. */
export function register(program: Command): void {
  program
    .command('run')
    .description('program a lot on the farm: every usable site at once, every attempt recorded; resumes after a crash')
    .requiredOption('--lot <lot>', 'the lot to run')
    .option('--farm <file>', 'farm.json: register/update its programmers and adapter mounts before running')
    .option('--json', 'NDJSON events on stdout (also when stdout is not a terminal); see docs/events.md')
    .option('--progress', 'with NDJSON: also print site-progress events')
    .option('--stop-yield <share>', 'stop when the lot yield falls below this share (e.g. 0.9)', share)
    .option('--stop-yield-after <n>', 'devices finished before the yield limit applies', count, 50)
    .option('--site-fail-limit <k>', 'socket failures in a row that disable a site', count, 3)
    .option('--cycle-timeout <s>', 'give up a cycle after this many seconds: its devices fail with timeout', count, 3600)
    .option('--speed <x>', 'sim programmers: time scale (1 = real time) or "unlimited"', parseSpeed)
    .action(async function (this: Command, o: { lot: string; farm?: string; json?: boolean; progress?: boolean; stopYield?: number; stopYieldAfter: number; siteFailLimit: number; cycleTimeout: number; speed?: number | 'unlimited' }) {
      process.exitCode = await runLotCommand({
        dbFile: dbPath(this),
        lot: o.lot,
        farmFile: o.farm,
        mode: outputMode(o.json),
        progress: o.progress,
        stopYield: o.stopYield,
        stopYieldAfter: o.stopYieldAfter,
        siteFailLimit: o.siteFailLimit,
        cycleTimeout: o.cycleTimeout,
        speed: o.speed,
      });
    });
}
