import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderLotHtml } from '../../src/report/html.js';
import { buildLotReport } from '../../src/report/lot-report.js';
import { lotDevices } from '../../src/store/lot-devices.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { finishedLot, moreLots } from './lot-fixture.js';

// The golden files are what the report wrote before it streamed (whole documents built in memory): streaming must
// not change a byte.
const golden = (name: string) => fs.readFileSync(path.join(import.meta.dirname, 'golden', name), 'utf8');
const dir = tmpDir();
const lf = finishedLot(dir);
moreLots(lf);
const dbFile = path.join(dir, 'lot.db');
const LOTS = ['LOT-7', 'LOT-W', 'LOT-E'];
const at = new Date('2026-02-03T00:00:00Z');
const htmlNow = LOTS.map((lot) => renderLotHtml(buildLotReport(lf.f.db, lot, at), lotDevices(lf.f.db, lot)));
lf.f.db.close();

describe('the streamed lot report writes the same bytes as the report built in memory', () => {
  it.each(LOTS.map((lot, i) => [lot, i] as const))('html of %s: charts from the store aggregates, rows from the device walk', (lot, i) => {
    expect(htmlNow[i]).toBe(golden(`${lot}.html`));
  });

  it.each(LOTS.flatMap((lot) => (['json', 'csv'] as const).map((f) => [lot, f] as const)))('%s --format %s on stdout', (lot, format) => {
    const r = runCli(['--db', dbFile, 'report', 'lot', lot, '--format', format]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(golden(`${lot}.${format}`));
  });

  it('html through the CLI into a file, all but the generation time', () => {
    const out = path.join(dir, 'w.html');
    const r = runCli(['--db', dbFile, 'report', 'lot', 'LOT-W', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`wrote ${out} (html, 50 devices)\n`);
    const generated = /generated (\S+)<\/div>/;
    expect(fs.readFileSync(out, 'utf8').replace(generated, 'generated T</div>')).toBe(golden('LOT-W.html').replace(generated, 'generated T</div>'));
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
