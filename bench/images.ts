/**
 * Benchmark: `gangflash image inspect` on a raw image next to `sha256sum` on the same file, in the same run.
 * Makes a 1 GiB image (4 GiB with --big) of incompressible data with 0xFF regions in a temp folder, runs each tool
 * 3 times (alternating, page cache warm), and prints the medians, the ratio inspect/sha256sum and the peak RSS of
 * the process doing the inspect, as one JSON line and a small table. Usage: npm run bench:images [-- --big]
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const GiB = 2 ** 30;
const MiB = 2 ** 20;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const big = process.argv.includes('--big');
const size = big ? 4 * GiB : GiB;
const runs = 3;

/** Writes `bytes` of data: a 64 MiB random block repeated with a varying prefix, 4 MiB of 0xFF every 32 MiB. */
function makeImage(file: string, bytes: number): void {
  const block = crypto.randomBytes(64 * MiB);
  const ff = Buffer.alloc(4 * MiB, 0xff);
  const fd = fs.openSync(file, 'w');
  try {
    for (let off = 0, i = 0; off < bytes; off += 32 * MiB, i++) {
      const piece = block.subarray((i % 2) * 32 * MiB, (i % 2) * 32 * MiB + 32 * MiB);
      piece.writeUInt32LE(i, 0);
      fs.writeSync(fd, piece, 0, 28 * MiB);
      fs.writeSync(fd, ff, 0, 4 * MiB);
    }
  } finally {
    fs.closeSync(fd);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timed<T>(fn: () => T): [T, number] {
  const t0 = process.hrtime.bigint();
  const r = fn();
  return [r, Number(process.hrtime.bigint() - t0) / 1e9];
}

function sha256sum(file: string): { seconds: number; sha256: string } {
  const [r, seconds] = timed(() => spawnSync('sha256sum', [file], { encoding: 'utf8' }));
  if (r.status !== 0) throw new Error(`sha256sum failed: ${r.stderr}`);
  return { seconds, sha256: r.stdout.split(' ')[0] };
}

const hasTime = fs.existsSync('/usr/bin/time');

/** Runs the CLI `image inspect --json` in a child; returns its own timing, the child's wall time and peak RSS. */
function inspect(file: string): { seconds: number; wall: number; rssMB: number; sha256: string; blankShare: number } {
  const cli = ['--import', 'tsx', path.join(root, 'src/cli/entry.ts'), 'image', 'inspect', file, '--json'];
  const [r, wall] = timed(() =>
    hasTime ? spawnSync('/usr/bin/time', ['-v', process.execPath, ...cli], { encoding: 'utf8', cwd: root }) : spawnSync(process.execPath, cli, { encoding: 'utf8', cwd: root }),
  );
  if (r.status !== 0) throw new Error(`image inspect failed: ${r.stderr}`);
  const doc = JSON.parse(r.stdout) as { seconds: number; sha256: string; blankShare: number };
  const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  return { seconds: doc.seconds, wall, rssMB: kb ? Number(kb[1]) / 1024 : NaN, sha256: doc.sha256, blankShare: doc.blankShare };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gangflash-bench-'));
try {
  const file = path.join(dir, 'image.bin');
  makeImage(file, size);
  const sums: ReturnType<typeof sha256sum>[] = [];
  const insp: ReturnType<typeof inspect>[] = [];
  for (let i = 0; i < runs; i++) {
    sums.push(sha256sum(file));
    insp.push(inspect(file));
  }
  if (insp.some((x) => x.sha256 !== sums[0].sha256)) throw new Error('inspect and sha256sum disagree on the SHA-256');
  const s = median(sums.map((x) => x.seconds));
  const t = median(insp.map((x) => x.seconds));
  const w = median(insp.map((x) => x.wall));
  const result = {
    bench: 'images',
    bytes: size,
    runs,
    sha256sumSeconds: +s.toFixed(3),
    inspectSeconds: +t.toFixed(3),
    inspectProcessSeconds: +w.toFixed(3),
    ratio: +(t / s).toFixed(3),
    ratioWithStartup: +(w / s).toFixed(3),
    sha256sumMBps: +(size / MiB / s).toFixed(0),
    inspectMBps: +(size / MiB / t).toFixed(0),
    peakRssMB: +Math.max(...insp.map((x) => x.rssMB)).toFixed(1),
    blankShare: +insp[0].blankShare.toFixed(4),
    sha256: sums[0].sha256,
    cpus: os.cpus().length,
    loadavg: os.loadavg().map((x) => +x.toFixed(2)),
  };
  console.log(JSON.stringify(result));
  console.log('');
  console.log(`tool                    median s   MiB/s   peak RSS`);
  console.log(`sha256sum               ${s.toFixed(3).padStart(8)}  ${String(result.sha256sumMBps).padStart(6)}          -`);
  console.log(`image inspect           ${t.toFixed(3).padStart(8)}  ${String(result.inspectMBps).padStart(6)}  ${result.peakRssMB.toFixed(1).padStart(6)} MB`);
  console.log(`image inspect (process) ${w.toFixed(3).padStart(8)}       -          -`);
  console.log(`ratio inspect/sha256sum ${result.ratio} (target <= 1.3), with process startup ${result.ratioWithStartup}`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
