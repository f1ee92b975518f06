import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { root } from '../helpers/cli.js';

/** A CLI run in the background: its process, its output so far, and a promise of its exit. */
export interface BackgroundRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Exit code, or the signal name when it was killed. */
  exit: Promise<number | string>;
}

/** Starts the gangflash CLI from source in a child process without waiting for it. */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): BackgroundRun {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/entry.ts'), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  const exit = new Promise<number | string>((resolve) => child.on('close', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

/** Resolves once `test` holds (polled every 50 ms); rejects after `ms` with `what` in the message. */
export async function until(test: () => boolean, what: string, ms = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!test()) {
    if (Date.now() - t0 > ms) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** NDJSON events printed so far by a `run --json`. */
export function events(run: BackgroundRun): Record<string, unknown>[] {
  return run
    .stdout()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Runs the lot to its end in this process at unlimited speed (a resume after a fault); returns how the run ended. */
export async function resumeInProcess(dbFile: string, lot = 'LOT-1'): Promise<string> {
  const { runLotService } = await import('../../src/scheduler/lot-service.js');
  return (await runLotService({ dbFile, lot, driverOptions: { sim: { speed: 'unlimited' } } })).end;
}
