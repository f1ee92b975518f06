import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import stringWidth from 'string-width';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { runCli, root } from '../helpers/cli.js';
import { lotFixture } from '../helpers/lot-fixture.js';
import { tmpDir } from '../helpers/tmp.js';
import { hasTmux, TmuxTerminal } from '../helpers/tmux.js';

/** One site as the live view's grid shows it. */
interface ShownSite {
  programmer: string;
  site: number;
  state: string;
  passed: number;
  failed: number;
}

const CELL = /(\d+) (✓ ok|✗ fail|OFF|EOL|idle|[IEBPVSX·?] +\d+%) +(\d+)\/(\d+)/g;

/** The site cells of the live view's grid in a screen capture, programmer by programmer. */
function shownSites(screen: string): ShownSite[] {
  const out: ShownSite[] = [];
  let programmer = '';
  for (const line of screen.split('\n')) {
    const name = /^(sim-\d+) /.exec(line);
    if (name) programmer = name[1];
    else if (!/^ +\d/.test(line)) continue;
    for (const m of line.matchAll(CELL)) out.push({ programmer, site: Number(m[1]), state: m[2], passed: Number(m[3]), failed: Number(m[4]) });
  }
  return out;
}

/** Passed and failed insertions per site in the database. */
function dbCounts(dbFile: string): Map<string, { passed: number; failed: number }> {
  const db = openDb(dbFile, { create: false });
  try {
    const rows = db
      .prepare(`SELECT p.name || ':' || a.site AS k, sum(a.result = 'pass') AS passed, sum(a.result = 'fail') AS failed FROM attempts a JOIN programmers p ON p.id = a.programmer_id GROUP BY k`)
      .all() as { k: string; passed: number; failed: number }[];
    return new Map(rows.map((r) => [r.k, r]));
  } finally {
    db.close();
  }
}

const tooWide = (text: string, columns: number) => text.split('\n').filter((l) => stringWidth(l) > columns);

function artifact(name: string, text: string): void {
  const dir = path.join(root, 'test-artifacts');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, name), text);
}

const base = tmpDir();
let cases = 0;
/** A fresh folder for one test under the suite's temporary folder. */
const caseDir = () => path.join(base, `case-${++cases}`);

let term: TmuxTerminal | undefined;
afterEach(() => {
  term?.close();
  term = undefined;
});

describe.skipIf(!hasTmux)('live view in a real terminal (tmux)', () => {
  for (const columns of [80, 160]) {
    it(`at ${columns} columns the final frame shows every site of an 8-site and a 16-site programmer with its result and lot counts, a disabled site keeps its number and shows OFF, and no line is wider than the terminal`, async () => {
      const dir = caseDir();
      // Defective parts (the sim's seeded defects × 40) so the final frame holds failures as well as passes.
      const { dbFile, image } = await lotFixture({ dir, programmers: 2, sitesPer: { 1: 8, 2: 16 }, devices: 120, sim: { defectMultiplier: 40 } });
      expect(runCli(['--db', dbFile, 'sites', 'disable', 'sim-1:3', '--reason', 'bent pin found by the operator']).code).toBe(0);
      term = new TmuxTerminal(path.join(dir, 'term'), columns);
      const n = term.gangflash(['--db', dbFile, 'run', '--lot', 'LOT-1']);
      const screen = TmuxTerminal.output(await term.until((s) => /\[exit \d+\]/.test(TmuxTerminal.output(s, n)), 'the run to end', 25_000), n);
      artifact(`live-view-${columns}.txt`, screen);

      expect(screen).toContain('[exit 0]');
      expect(tooWide(screen, columns)).toEqual([]);
      const sha = crypto.createHash('sha256').update(fs.readFileSync(image)).digest('hex');
      expect(screen).toContain(`SHA-256 ${sha.slice(0, 12)}`);

      const sites = shownSites(screen);
      expect(sites.map((s) => `${s.programmer}:${s.site}`)).toEqual([
        ...Array.from({ length: 8 }, (_, i) => `sim-1:${i}`),
        ...Array.from({ length: 16 }, (_, i) => `sim-2:${i}`),
      ]);
      const counts = dbCounts(dbFile);
      for (const s of sites) {
        const k = `${s.programmer}:${s.site}`;
        if (k === 'sim-1:3') expect(s.state).toBe('OFF');
        else if (s.state === 'OFF') expect(screen.replace(/\n/g, ' ')).toContain(`${s.programmer} site ${s.site} OFF: disabled after`);
        else expect(['✓ ok', '✗ fail']).toContain(s.state);
        expect({ passed: s.passed, failed: s.failed }).toEqual({ passed: counts.get(k)?.passed ?? 0, failed: counts.get(k)?.failed ?? 0 });
      }
      expect(screen).toContain('sim-1 site 3 OFF: disabled (bent pin found by the operator)');
      expect(sites.some((s) => s.failed > 0)).toBe(true);
    });
  }

  for (const columns of [80, 160]) it(`at ${columns} columns Ctrl-C shows "stopping after the cycle in flight" within 0.5 s, whole, and the run ends interrupted`, async () => {
    const dir = caseDir();
    const { dbFile } = await lotFixture({ dir, programmers: 1, sites: 16, devices: 200, imageBytes: 8 << 20 });
    term = new TmuxTerminal(path.join(dir, 'term'), columns);
    const n = term.gangflash(['--db', dbFile, 'run', '--lot', 'LOT-1', '--speed', '0.05']);
    // Part of the way through a cycle, so the view can estimate how long the cycle in flight still takes.
    await term.until((s) => /[PV] +[1-9]\d*%/.test(TmuxTerminal.output(s, n)), 'a cycle in flight');
    const t0 = Date.now();
    term.ctrlC();
    const seen = TmuxTerminal.output(await term.until((s) => TmuxTerminal.output(s, n).includes('STOPPING'), 'the stopping state', 5000, 20), n);
    expect(Date.now() - t0).toBeLessThanOrEqual(500);
    artifact(`live-view-stopping-${columns}.txt`, seen);
    expect(seen).toMatch(/^ ?STOPPING +after the cycle in flight \(≈\d+ s\)$/m);
    expect(seen).toContain('Ctrl-C again quits now; the devices in the sockets are re-run on resume');
    expect(tooWide(seen, columns)).toEqual([]);
    const end = TmuxTerminal.output(await term.until((s) => /\[exit \d+\]/.test(TmuxTerminal.output(s, n)), 'the run to end', 25_000), n);
    expect(end).toContain('run ended: interrupted');
    expect(end).toContain('[exit 4]');
    expect(end).not.toContain('^C');
  });

  it('alarms still active (a disabled site, an adapter at its rated life) are shown when a run starts and again when it resumes', async () => {
    const dir = caseDir();
    const { dbFile } = await lotFixture({ dir, programmers: 1, sites: 8, devices: 200, imageBytes: 8 << 20, prior: { 'A-1-5': 5000 } });
    expect(runCli(['--db', dbFile, 'sites', 'disable', 'sim-1:3', '--reason', 'bent pin']).code).toBe(0);
    term = new TmuxTerminal(path.join(dir, 'term'), 80);
    const first = term.gangflash(['--db', dbFile, 'run', '--lot', 'LOT-1', '--speed', '0.05']);
    await term.until((s) => /[PV] +\d+%/.test(TmuxTerminal.output(s, first)), 'a cycle in flight');
    term.ctrlC();
    const one = TmuxTerminal.output(await term.until((s) => /\[exit \d+\]/.test(TmuxTerminal.output(s, first)), 'the first run to stop'), first);
    const resumed = term.gangflash(['--db', dbFile, 'run', '--lot', 'LOT-1', '--speed', 'unlimited']);
    const two = TmuxTerminal.output(await term.until((s) => /\[exit \d+\]/.test(TmuxTerminal.output(s, resumed)), 'the resumed run to end'), resumed);
    for (const out of [one, two]) {
      expect(out).toContain('ALARMS STILL ACTIVE (2)');
      expect(out).toMatch(/sim-1 site 3 is OFF: disabled \(bent pin\)/);
      expect(out).toMatch(/sim-1 site 5 is EOL: adapter A-1-5 reached its rated life/);
      const sites = shownSites(out);
      expect(sites.find((s) => s.site === 3)?.state).toBe('OFF');
      expect(sites.find((s) => s.site === 5)?.state).toBe('EOL');
      expect(tooWide(out, 80)).toEqual([]);
    }
    expect(two).toContain('[exit 0]');

    // The alarm's hint works as printed, typed in another folder.
    const hint = /`([^`]+ sites enable sim-1:3)`/.exec(two.replace(/\n/g, ' '))?.[1];
    expect(hint).toBeDefined();
    const elsewhere = path.join(dir, 'elsewhere');
    fs.mkdirSync(elsewhere);
    const r = spawnSync('sh', ['-c', hint!], { cwd: elsewhere, encoding: 'utf8' });
    expect(r.status, `${hint}\n${r.stderr}`).toBe(0);
    const listed = JSON.parse(runCli(['--db', dbFile, 'sites', 'list', '--json']).stdout) as { programmer: string; site: number; enabled: boolean | number }[];
    expect(Boolean(listed.find((x) => x.programmer === 'sim-1' && x.site === 3)?.enabled)).toBe(true);
  });

  it('--bell rings the terminal bell on an alarm (a site disabled after failing devices), and without --bell nothing rings', async () => {
    const dir = caseDir();
    const { dbFile } = await lotFixture({ dir, programmers: 1, sites: 8, devices: 60, simPer: { 1: { brokenSites: [2] } } });
    term = new TmuxTerminal(path.join(dir, 'term'), 80);
    const n = term.gangflash(['--db', dbFile, 'run', '--lot', 'LOT-1', '--bell']);
    const out = TmuxTerminal.output(await term.until((s) => /\[exit \d+\]/.test(TmuxTerminal.output(s, n)), 'the run to end', 25_000), n);
    expect(out.replace(/\n/g, ' ')).toMatch(/ALARM site-disabled: sim-1 site 2 disabled after 3 failed devices in a row \(last: [a-z-]+\); check the socket/);
    expect(shownSites(out).find((s) => s.site === 2)?.state).toBe('OFF');
    expect(out.replace(/\n/g, ' ')).toMatch(/sim-1 site 2 OFF: disabled after 3 failed devices in a row \(last: [a-z-]+\); check the socket/);
    expect(tooWide(out, 80)).toEqual([]);
    await term.until(() => fs.readFileSync(term!.raw, 'latin1').includes('[exit'), 'the raw output', 10_000);
    expect(fs.readFileSync(term.raw, 'latin1')).toContain('\x07');

    const quiet = await lotFixture({ dir: path.join(dir, 'quiet'), programmers: 1, sites: 8, devices: 60, simPer: { 1: { brokenSites: [2] } } });
    term.close();
    term = new TmuxTerminal(path.join(dir, 'term2'), 80);
    const m = term.gangflash(['--db', quiet.dbFile, 'run', '--lot', 'LOT-1']);
    expect(TmuxTerminal.output(await term.until((s) => /\[exit \d+\]/.test(TmuxTerminal.output(s, m)), 'the run to end', 25_000), m)).toContain('ALARM site-disabled');
    expect(fs.readFileSync(term.raw, 'latin1')).not.toContain('\x07');
  });
});
