import path from 'node:path';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main.js';
import { root, runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';

/** Parses stdout as exactly one JSON document (throws when it is not). */
const one = (stdout: string) => JSON.parse(stdout) as Record<string, any>;

describe('--json: one JSON document for every command and every error', () => {
  it('--version --json prints {"version"} (either order) and exits 0', () => {
    for (const args of [['--version', '--json'], ['--json', '-V']]) {
      const r = runCli(args);
      expect(r.code).toBe(0);
      expect(one(r.stdout)).toEqual({ version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    }
  });

  it('a usage error found by the option parser prints {"error":{code,message}} on stdout with --json, a message on stderr, and exits 1', () => {
    const cases: [string[], string, RegExp][] = [
      [['run', '--json'], 'missing-mandatory-option-value', /--lot/],
      [['run', '--lot', 'L', '--bogus', '--json'], 'unknown-option', /--bogus/],
      [['nosuchcommand', '--json'], 'unknown-command', /nosuchcommand/],
      [['run', '--json', '--lot'], 'option-missing-argument', /--lot/],
    ];
    for (const [args, code, message] of cases) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).toBe(1);
      const doc = one(r.stdout);
      expect(doc.error.code).toBe(code);
      expect(doc.error.message).toMatch(message);
      expect(doc.error.message).not.toMatch(/^error:/);
      expect(r.stderr).toMatch(/error:/);
    }
  });

  it('--help --json prints the help text as {"help"}', () => {
    const r = runCli(['--help', '--json']);
    expect(r.code).toBe(0);
    expect(one(r.stdout).help).toMatch(/Usage: gangflash/);
  });

  it('demo --json prints only one-line JSON objects, the last one its demo summary', () => {
    const dir = path.join(tmpDir(), 'demo');
    const r = runCli(['demo', '--json', '--dir', dir, '--devices', '8', '--speed', 'unlimited'], { timeoutMs: 240_000 });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const docs = lines.map((l) => JSON.parse(l) as Record<string, any>);
    expect(docs.every((d) => typeof d.type === 'string')).toBe(true);
    expect(docs.filter((d) => d.type === 'lot-done')).toHaveLength(2);
    const last = docs.at(-1)!;
    expect(last.type).toBe('demo-summary');
    expect(last.db).toBe(path.join(dir, 'gangflash.db'));
    expect(last.lots.map((l: { key: string }) => l.key).sort()).toEqual(['DEMO-EMMC-2447', 'DEMO-NAND-2447']);
  });

  it('every command that prints a result takes --json; mes tail, serve and a bare group do not, as the README says', async () => {
    const without: string[] = [];
    const walk = (c: Command, prefix: string) => {
      for (const sub of c.commands) {
        const name = `${prefix}${sub.name()}`;
        if (sub.commands.length > 0) walk(sub, `${name} `);
        else if (!sub.options.some((o) => o.long === '--json')) without.push(name);
      }
    };
    walk(await buildProgram(), '');
    expect(without.sort()).toEqual(['mes tail', 'serve']);
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain('Every command that prints a result takes `--json`');
    expect(readme).toContain('Three kinds take no `--json`: `mes tail` always prints NDJSON');
    for (const args of [['mes', 'tail', '--json'], ['serve', '--json'], ['lot', '--json']]) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(one(r.stdout).error).toEqual({ code: 'unknown-option', message: "unknown option '--json'" });
    }
    const help = runCli(['lot', '--help', '--json']);
    expect(help.code).toBe(0);
    expect(one(help.stdout).help).toMatch(/^Usage: gangflash lot /);
  });
});
