import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { root } from '../helpers/cli.js';

/** One `gangflash run --hub` process of a station, its NDJSON events and its exit. */
export interface StationProcess {
  name: string;
  child: ChildProcess;
  events: Record<string, unknown>[];
  stderr: string[];
  exit: Promise<number | null>;
  /** True once the process ended and its output was read. */
  ended: boolean;
  /** Resolves at the next event (from now on) for which `check` is true; undefined when the process ends first. */
  when(check: (e: Record<string, unknown>, all: Record<string, unknown>[]) => boolean): Promise<Record<string, unknown> | undefined>;
}

/** Starts a station process (`run --lot LOT-1 --hub URL --station NAME --json`) on its own journal. */
export function startStation(name: string, dbFile: string, url: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): StationProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/entry.ts'), '--db', dbFile, 'run', '--lot', 'LOT-1', '--hub', url, '--station', name, '--json', ...args], {
    cwd: root,
    env: { ...process.env, GANGFLASH_HUB_HEARTBEAT_MS: '500', GANGFLASH_HUB_DRAIN_MS: '20000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const waiters = new Set<{ check: (e: Record<string, unknown>, all: Record<string, unknown>[]) => boolean; resolve: (e: Record<string, unknown> | undefined) => void }>();
  // 'close': the process ended and its output was read to the end (every event is in `events`).
  const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const p: StationProcess = {
    name,
    child,
    events: [],
    stderr: [],
    exit,
    ended: false,
    when(check) {
      if (p.ended) return Promise.resolve(undefined);
      return new Promise((resolve) => waiters.add({ check, resolve }));
    },
  };
  void exit.then(() => {
    p.ended = true;
    for (const w of waiters) w.resolve(undefined);
    waiters.clear();
  });
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (!line.trim()) continue;
      const e = JSON.parse(line) as Record<string, unknown>;
      p.events.push(e);
      for (const w of waiters) {
        if (!w.check(e, p.events)) continue;
        waiters.delete(w);
        w.resolve(e);
      }
    }
  });
  child.stderr!.on('data', (d: Buffer) => p.stderr.push(d.toString()));
  return p;
}

/** Sleeps `ms`. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 300 ms until it returns a value, or fails after `ms` with `what`. */
export async function until<T>(what: string, check: () => Promise<T | undefined | false>, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch {
      // the hub may be restarting
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(300);
  }
}
