import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { lotFixture } from '../helpers/lot-fixture.js';
import { tmpDir } from '../helpers/tmp.js';
import { hasTmux, TmuxTerminal } from '../helpers/tmux.js';
import { table, type Column } from '../../src/cli/output.js';

interface Alarm { at: string; code: string; site: number; message: string }
const alarms: Alarm[] = [
  { at: '2026-11-27T14:49:28.751Z', code: 'site-disabled', site: 2, message: 'site 2 of sim-1 failed 3 devices in a row (bad-contact, bad-contact, verify-failed): disabled; enable it with `gangflash sites enable sim-1 2` once the socket is cleaned' },
  { at: '2026-11-27T14:50:01.002Z', code: 'adapter-life', site: 12345, message: 'adapter A-1-2 reached its rated life' },
];
const columns: Column<Alarm>[] = [
  { header: 'at', get: (a) => a.at },
  { header: 'code', get: (a) => a.code },
  { header: 'site', get: (a) => a.site, align: 'right' },
  { header: 'message', get: (a) => a.message },
];
const words = (s: string) => s.split(/\s+/).filter(Boolean);

describe('tables on a narrow terminal', () => {
  it('a table wider than the terminal wraps its text column: every line fits, times, codes and numbers stay whole, no word is lost', () => {
    const out = table(alarms, columns, 80).split('\n');
    expect(Math.max(...out.map((l) => l.length))).toBeLessThanOrEqual(80);
    expect(out.length).toBeGreaterThan(2 + alarms.length); // the long message took more lines
    expect(out[2].startsWith('2026-11-27T14:49:28.751Z  site-disabled      2  site 2 of sim-1')).toBe(true);
    expect(out.some((l) => l.startsWith('2026-11-27T14:50:01.002Z  adapter-life   12345  adapter A-1-2'))).toBe(true);
    const text = words(out.slice(2).join(' '));
    for (const w of words(alarms[0].message)) expect(text).toContain(w);
  });

  it('a table that cannot fit without cutting times or codes is printed one record at a time within the width', () => {
    const out = table(alarms, columns, 40).split('\n');
    expect(Math.max(...out.map((l) => l.length))).toBeLessThanOrEqual(40);
    expect(out[0]).toBe('-- 1 of 2 --');
    expect(out).toContain('at       2026-11-27T14:49:28.751Z');
    expect(out).toContain('site     12345');
    expect(out.filter((l) => l.startsWith('-- '))).toHaveLength(2);
  });

  it('without a terminal (a pipe or a file) every row stays on one line, as scripts read it', () => {
    const out = table(alarms, columns, undefined).split('\n');
    expect(out).toHaveLength(2 + alarms.length);
    expect(out[2]).toContain(alarms[0].message);
  });

  it('any table within any width from 40 columns: every line fits, and every word of every cell is printed', () => {
    const word = fc.stringMatching(/^[a-z0-9-]{1,14}$/);
    const cell = fc.array(word, { minLength: 1, maxLength: 12 }).map((ws) => ws.join(' '));
    fc.assert(
      fc.property(fc.array(fc.tuple(cell, cell, fc.nat(99999)), { minLength: 1, maxLength: 6 }), fc.integer({ min: 40, max: 160 }), (rows, width) => {
        const cols: Column<[string, string, number]>[] = [
          { header: 'name', get: (r) => r[0] },
          { header: 'note', get: (r) => r[1] },
          { header: 'count', get: (r) => r[2], align: 'right' },
        ];
        const out = table(rows, cols, width);
        expect(Math.max(...out.split('\n').map((l) => l.length))).toBeLessThanOrEqual(width);
        const printed = words(out);
        for (const r of rows) for (const w of [...words(r[0]), ...words(r[1]), String(r[2])]) expect(printed).toContain(w);
      }),
    );
  });
});

describe.skipIf(!hasTmux)('tables in a real 80-column terminal (tmux)', () => {
  let term: TmuxTerminal | undefined;
  afterEach(() => term?.close());

  it('alarms, lot list and programmers list keep every line within 80 columns', async () => {
    const dir = tmpDir('gangflash-table-80-');
    const { dbFile } = await lotFixture({ dir, programmers: 1, sites: 8, devices: 40, simPer: { 1: { brokenSites: [2] } } });
    expect(runCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json']).code).toBe(0);
    const wide = runCli(['--db', dbFile, 'alarms']).stdout.split('\n');
    expect(Math.max(...wide.map((l) => l.length))).toBeGreaterThan(80); // piped: whole rows
    term = new TmuxTerminal(`${dir}/tty`, 80);
    for (const c of ['alarms', 'lot list', 'programmers list']) {
      const n = term.gangflash(['--db', dbFile, ...c.split(' ')]);
      const out = TmuxTerminal.output(await term.until((s) => /\[exit \d+\]/.test(TmuxTerminal.output(s, n)), c), n);
      expect(out, c).toMatch(/\[exit 0\]/);
      expect(Math.max(...out.split('\n').map((l) => l.length)), `${c}:\n${out}`).toBeLessThanOrEqual(80);
    }
  });
});
