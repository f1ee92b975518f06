import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { root, runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { hasTmux, TmuxTerminal } from '../helpers/tmux.js';

const base = tmpDir();
let term: TmuxTerminal | undefined;
afterEach(() => {
  term?.close();
  term = undefined;
});

describe('getting started', () => {
  it('demo builds its database where the global --db names it, with its images beside it', () => {
    const dbFile = path.join(base, 'by-flag', 'demo.db');
    const r = runCli(['--db', dbFile, 'demo', '--json', '--devices', '4', '--speed', 'unlimited'], { timeoutMs: 240_000 });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trimEnd().split('\n').at(-1)!)).toMatchObject({ type: 'demo-summary', db: dbFile });
    expect(fs.existsSync(dbFile)).toBe(true);
    expect(fs.existsSync(path.join(base, 'by-flag', 'emmc-system.img'))).toBe(true);
    const stats = runCli(['--db', dbFile, 'lot', 'list', '--json']);
    expect(stats.code).toBe(0);
    expect(stats.stdout).toContain('DEMO-EMMC-2447');
  });

  it('demo refuses an existing database named by --db or GANGFLASH_DB, says which setting named it, and leaves it as it was', () => {
    const dbFile = path.join(base, 'existing.db');
    expect(runCli(['--db', dbFile, 'db', 'init']).code).toBe(0);
    const before = fs.readFileSync(dbFile);
    const byEnv = runCli(['demo', '--devices', '4'], { env: { GANGFLASH_DB: dbFile } });
    expect(byEnv.code).toBe(1);
    expect(byEnv.stderr).toContain(`${dbFile} already exists; it is named by GANGFLASH_DB; the demo builds a new database: unset GANGFLASH_DB, or pass --db with a file that does not exist yet [demo-exists]`);
    const byFlag = runCli(['--db', dbFile, 'demo', '--json']);
    expect(byFlag.code).toBe(1);
    expect(JSON.parse(byFlag.stdout).error).toMatchObject({ code: 'demo-exists' });
    expect(byFlag.stderr).toContain('pass --db with a file that does not exist yet');
    expect(fs.readFileSync(dbFile).equals(before)).toBe(true);
  });

  it.skipIf(!hasTmux)('the commands the demo prints as hints run as printed from another folder, without gangflash on the PATH', async () => {
    expect(fs.existsSync(path.join(root, 'dist/src/cli/main.js')), 'dist/ is built by npm install (npm run build)').toBe(true);
    const dir = path.join(base, 'hints');
    term = new TmuxTerminal(path.join(base, 'term'), 160);
    const n = term.gangflash(['demo', '--dir', dir, '--devices', '4', '--speed', 'unlimited']);
    const out = TmuxTerminal.output(await term.until((s) => /\[exit \d+\]/.test(TmuxTerminal.output(s, n)), 'the demo to end', 240_000), n);
    expect(out).toContain('[exit 0]');
    const hints = out.slice(out.indexOf('look around with e.g.')).split('\n').slice(1).map((l) => l.trim()).filter((l) => l.includes(' --db '));
    expect(hints).toHaveLength(3);
    const elsewhere = path.join(base, 'elsewhere');
    fs.mkdirSync(elsewhere);
    const PATH = (process.env.PATH ?? '').split(path.delimiter).filter((d) => !fs.existsSync(path.join(d, 'gangflash'))).join(path.delimiter);
    for (const hint of hints) {
      expect(hint).not.toMatch(/^npx /);
      const r = spawnSync('sh', ['-c', hint], { cwd: elsewhere, encoding: 'utf8', env: { ...process.env, PATH }, timeout: 120_000 });
      expect(r.status, `${hint}\n${r.stderr}`).toBe(0);
    }
    expect(fs.existsSync(path.join(elsewhere, 'report.html'))).toBe(true);
  });
});
