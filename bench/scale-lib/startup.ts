/**
 * Start-up of short commands against the bare runtime, each a whole process: `node -e 0`, `gangflash --version`,
 * `--help` and `chips` (on the database given), and the floor of `chips` on its stack (startup-floor.mjs: commander,
 * better-sqlite3 and one query, nothing of gangflash). `before` names another checkout's `bin/gangflash.js` whose
 * three commands are timed too (rows `before: …`, two builds compared in the same rounds); `steps` adds the floor
 * stopped after each of its stages (rows `floor up to …`), to tell its milliseconds apart. With hyperfine on the
 * PATH: `hyperfine -N` (its medians); else `runs` rounds of spawnSync, the commands interleaved in each round, medians.
 */import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One command's median start-up and its ratio to `node -e 0` measured in the same rounds. */
export interface StartupRow {
  command: string;
  ms: number;
  ratio: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function hasHyperfine(): boolean {
  return spawnSync('sh', ['-c', 'command -v hyperfine'], { stdio: 'ignore' }).status === 0;
}

/** The stages of startup-floor.mjs (`--upto`), each adding to the one before. */
const FLOOR_STAGES = ['entry', 'fs', 'builtins', 'commander', 'sqlite-js', 'sqlite-native'];

/** Times `node -e 0` and gangflash's short commands; the first row is the runtime itself. */
export function startupFigures(
  bin: string,
  db: string,
  runs: number,
  { before, steps = false }: { before?: string; steps?: boolean } = {},
): { rows: StartupRow[]; tool: string; load: number } {
  const l0 = os.loadavg()[0];
  const gangflash = (b: string, label: string): [string, string[]][] => [
    [`${label}gangflash --version`, [b, '--version']],
    [`${label}gangflash --help`, [b, '--help']],
    [`${label}gangflash chips`, [b, '--db', db, 'chips']],
  ];
  const floor = fileURLToPath(new URL('./startup-floor.mjs', import.meta.url));
  const commands: [string, string[]][] = [
    ['node -e 0', ['-e', '0']],
    ...gangflash(bin, ''),
    ['floor: commander + better-sqlite3 + 1 query', [floor, '--db', db, 'chips']],
    ...(steps ? FLOOR_STAGES.map((st): [string, string[]] => [`floor up to ${st}`, [floor, '--upto', st]]) : []),
    ...(before ? gangflash(before, 'before: ') : []),
  ];
  // One untimed run each: the compile cache (and the page cache) warm, as on any machine after the first start.
  for (const [, argv] of commands) spawnSync(process.execPath, argv, { stdio: 'ignore' });
  let ms: number[];
  let tool: string;
  if (hasHyperfine()) {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gangflash-startup-')), 'h.json');
    const q = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
    execFileSync('hyperfine', ['-N', '--warmup', '3', '--runs', String(runs), '--export-json', out, ...commands.map(([, argv]) => [process.execPath, ...argv].map(q).join(' '))], { stdio: 'ignore' });
    ms = (JSON.parse(fs.readFileSync(out, 'utf8')) as { results: { median: number }[] }).results.map((r) => r.median * 1000);
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
    tool = `hyperfine -N, ${runs} runs`;
  } else {
    const times = commands.map(() => [] as number[]);
    for (let k = 0; k < runs; k++) {
      commands.forEach(([name, argv], i) => {
        const s = process.hrtime.bigint();
        const r = spawnSync(process.execPath, argv, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
        times[i].push(Number(process.hrtime.bigint() - s) / 1e6);
        if (r.status !== 0) throw new Error(`${name} exited ${r.status}: ${r.stderr}`);
      });
    }
    ms = times.map(median);
    tool = `spawnSync, ${runs} interleaved rounds`;
  }
  const rows = commands.map(([command], i) => ({ command, ms: +ms[i].toFixed(1), ratio: +(ms[i] / ms[0]).toFixed(2) }));
  return { rows, tool, load: +((l0 + os.loadavg()[0]) / 2).toFixed(1) };
}
