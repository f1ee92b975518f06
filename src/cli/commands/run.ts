import type { Command } from 'commander';
import { dbPath } from '../context.js';
import { outputMode } from '../run-output.js';
import { runCommand } from '../run-command.js';
import { UsageError } from '../../errors.js';
import { intOption } from '../../strict-number.js';
import { RING_DEFAULTS } from '../../fanout/ring-defaults.js';
import { resolveHubUrl } from '../../hub/url.js';

/** Station timing from GANGFLASH_HUB_UPLOAD_MS, GANGFLASH_HUB_HEARTBEAT_MS and GANGFLASH_HUB_DRAIN_MS (whole ms). */
function stationTimes(): { uploadEveryMs?: number; heartbeatMs?: number; drainMs?: number } {
  const ms = (v: string | undefined) => (v !== undefined && /^\d{1,9}$/.test(v) ? Number(v) : undefined);
  return { uploadEveryMs: ms(process.env.GANGFLASH_HUB_UPLOAD_MS), heartbeatMs: ms(process.env.GANGFLASH_HUB_HEARTBEAT_MS), drainMs: ms(process.env.GANGFLASH_HUB_DRAIN_MS) };
}

/** Parses --speed: a positive number or `unlimited`. */
export function parseSpeed(v: string): number | 'unlimited' {
  if (v === 'unlimited') return v;
  const n = /^\s*\d{1,9}(\.\d{1,9})?\s*$/.test(v) ? Number(v) : NaN;
  if (!(n > 0)) throw new UsageError('bad-option', `--speed must be a positive number or "unlimited" (got "${v}")`);
  return n;
}

function share(v: string): number {
  const n = /^\s*(0|1)(\.\d{1,9})?\s*$/.test(v) ? Number(v) : NaN;
  if (!(n >= 0 && n <= 1)) throw new UsageError('bad-option', `--stop-yield must be a share from 0 to 1, e.g. 0.9 (got "${v}")`);
  return n;
}

/** A parser for a count option that names `flag` when it refuses a value. */
function count(flag: string): (v: string) => number {
  return (v) => intOption(flag, v, { min: 1, max: 100_000_000 });
}

const SIZE = /^(\d+)\s*([kKmM]?)(i?[bB])?$/;

/** Parses --ring-chunk: bytes (or 256K, 1M), a multiple of 4 KiB from 64 KiB to 64 MiB. */
export function parseChunk(v: string): number {
  const m = SIZE.exec(v.trim());
  const n = m ? Number(m[1]) * { '': 1, k: 1024, m: 1024 * 1024 }[m[2].toLowerCase() as '' | 'k' | 'm'] : NaN;
  if (!(n >= 64 * 1024 && n <= 64 * 1024 * 1024 && n % 4096 === 0)) {
    throw new UsageError('bad-option', `--ring-chunk must be a multiple of 4K from 64K to 64M, e.g. 1M (got "${v}")`);
  }
  return n;
}

/** Parses --ring-slots: a whole number of chunks from 2 to 4096. */
function slots(v: string): number {
  const n = /^\s*\d{1,4}\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 2 || n > 4096) throw new UsageError('bad-option', `--ring-slots must be a whole number from 2 to 4096 (got "${v}")`);
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
    .option('--bell', 'live view: ring the terminal bell on every alarm')
    .option('--stop-yield <share>', 'stop when the lot yield falls below this share (e.g. 0.9)', share)
    .option('--stop-yield-after <n>', 'devices finished before the yield limit applies', count('--stop-yield-after'), 50)
    .option('--site-fail-limit <k>', 'socket failures in a row that disable a site', count('--site-fail-limit'), 3)
    .option('--cycle-timeout <s>', 'give up a cycle after this many seconds: its devices fail with timeout', count('--cycle-timeout'), 3600)
    .option('--speed <x>', 'sim programmers: time scale (1 = real time) or "unlimited"', parseSpeed)
    .option('--ring-slots <n>', `chunks in the shared ring the image streams through (default ${RING_DEFAULTS.slots})`, slots)
    .option('--ring-chunk <bytes>', `bytes per ring chunk, e.g. 256K or 4M (default ${RING_DEFAULTS.chunkSize >> 20}M)`, parseChunk)
    .option('--wait', 'when the lot or a programmer is held by another live run, wait for it instead of exiting 6')
    .option('--slow-consumer-ms <ms>', 'stall one slow programmer may cost the farm per wave before it reads the image itself', count('--slow-consumer-ms'), 2000)
    .option('--operator <name>', 'who runs the lot (default: $GANGFLASH_OPERATOR or the login name); recorded')
    .option('--engineering', 'run a job version nobody released (an engineering run; recorded)')
    .option('--hub <url>', 'run as a station of this hub (postgres://…; default $GANGFLASH_HUB when --station is given): reels and serial blocks leased from it, records uploaded to it')
    .option('--station <name>', 'this station\'s name on the hub (default $GANGFLASH_STATION)')
    .option('--reel <reel...>', 'with --hub: the reels the operator loaded here (default: the next free reel each time)')
    .option('--busy-seconds <s>', 'with --hub: lease reels ahead and serial values in blocks that keep this station busy this long', count('--busy-seconds'), 600)
    .option('--reels-ahead <n>', 'with --hub: reels leased ahead of the one in progress, at most', count('--reels-ahead'), 1)
    .action(async function (this: Command, o: { operator?: string; engineering?: boolean; lot: string; farm?: string; json?: boolean; progress?: boolean; bell?: boolean; stopYield?: number; stopYieldAfter: number; siteFailLimit: number; cycleTimeout: number; speed?: number | 'unlimited'; ringSlots?: number; ringChunk?: number; slowConsumerMs: number; wait?: boolean; hub?: string; station?: string; reel?: string[]; busySeconds: number; reelsAhead: number }) {
      const station = o.station ?? process.env.GANGFLASH_STATION;
      const hubUrl = o.hub ?? (station ? process.env.GANGFLASH_HUB : undefined);
      if (hubUrl && !station) throw new UsageError('bad-option', '--hub needs --station NAME (this station\'s name on the hub) or GANGFLASH_STATION');
      if (station && !hubUrl) throw new UsageError('bad-option', '--station needs --hub URL or GANGFLASH_HUB');
      if (o.reel && !hubUrl) throw new UsageError('bad-option', '--reel needs --hub: a station leases the reels it loaded from the hub');
      const ringBytes = (o.ringSlots ?? RING_DEFAULTS.slots) * (o.ringChunk ?? RING_DEFAULTS.chunkSize);
      if (ringBytes > 1 << 30) throw new UsageError('bad-option', `--ring-slots × --ring-chunk is ${ringBytes} bytes; keep the ring at 1 GiB or less`);
      process.exitCode = await runCommand({
        dbFile: dbPath(this),
        lot: o.lot,
        farmFile: o.farm,
        mode: outputMode(o.json),
        progress: o.progress,
        bell: o.bell,
        stopYield: o.stopYield,
        stopYieldAfter: o.stopYieldAfter,
        siteFailLimit: o.siteFailLimit,
        cycleTimeout: o.cycleTimeout,
        speed: o.speed,
        ring: { slots: o.ringSlots, chunkSize: o.ringChunk },
        slowConsumerMs: o.slowConsumerMs,
        operator: o.operator,
        engineering: o.engineering,
        wait: o.wait,
        hub: hubUrl && station ? { hubUrl: resolveHubUrl(hubUrl), station, reels: o.reel, busySeconds: o.busySeconds, reelsAhead: o.reelsAhead, ...stationTimes() } : undefined,
      });
    });
}
