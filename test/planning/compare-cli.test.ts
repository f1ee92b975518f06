import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { compareLot } from '../../src/planning/compare-lot.js';
import { costSettings } from '../../src/planning/site-settings.js';
import { root, runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { fixture, type ChipSpec } from './fixtures.js';

const dir = tmpDir('gangflash-compare-');
const schema = JSON.parse(fs.readFileSync(path.join(root, 'docs/plan-compare.schema.json'), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(schema);

/** An MCU like a 256 KB QFN48 part: 1 KiB pages and sectors, 52.5 µs per page, 20 ms per sector. */
const MCU: ChipSpec = {
  part: 'TEST-MCU256',
  kind: 'mcu',
  package: 'QFN48',
  w: 7,
  l: 7,
  pitch: 0.5,
  geometry: { pageSize: 1024, sectorSize: 1024, blockSize: 1024, sectors: 256 },
  timings: { tProgUs: 52.5, tEraseUs: 20_000 },
  capacity: 262_144,
};

describe('gangflash plan --compare isp', () => {
  // One programmer of 4 sites with 4 QFN48 adapters listed at 400 for 10,000 insertions (0.04 an insertion).
  const f = fixture(dir, 'compare.db').family('gang', ['mcu']).model('G4', 'gang', 4).chip(MCU);
  f.adapterType({ id: 'qfn48-a', package: 'QFN48', w: 7, l: 7, pitch: 0.5, rated: 10_000, families: ['gang'], price: 400 });
  const p = f.programmer('P1', 'G4', 4);
  for (let s = 0; s < 4; s++) f.adapter(`Q${s}`, 'qfn48-a', { programmer: p, site: s });
  f.db.close();
  const image = path.join(dir, 'fw.bin');
  fs.writeFileSync(image, Buffer.alloc(262_144, 0x5a));
  const db = path.join(dir, 'compare.db');
  const settings = path.join(dir, 'site.json');
  fs.writeFileSync(settings, JSON.stringify({ inSystem: { interface: 'swd', fixturePrice: 150, fixtureRatedCycles: 50_000, handlingSecPerLoad: 0 } }, null, 2));
  const compare = (...extra: string[]) => runCli(['--db', db, 'plan', '--chip', MCU.part, '--image', image, '--qty', '5000', '--compare', 'isp', ...extra]);

  it('--json prints both routes, the break-even and the recommendation, valid against docs/plan-compare.schema.json', () => {
    const r = compare('--settings', settings, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout);
    expect(validate(c), JSON.stringify(validate.errors)).toBe(true);
    // Offline on the farm: 256 pages × 52.5 µs + 256 sectors × 20 ms = 5.1334 s + 8 s handling, 4 sites; wear 400 / 10,000.
    expect(c.offline.secPerDevice).toBeCloseTo(13.13344, 9);
    expect(c.offline.parallel).toBe(4);
    expect(c.offline.costPerDevice.wear).toBe(0.04);
    expect(c.inSystem.interface).toMatch(/^swd /);
    expect(c.inSystem.fixedCost).toBe(150);
    expect(c.recommendation.route).toBe('in-system');
    expect(c.breakEven.cheaperAbove).toBe('in-system');
    expect(c.figures.find((x: { name: string }) => x.name === 'inSystem.fixturePrice').source).toBe(`${settings}: inSystem.fixturePrice`);
  });

  it('prints the routes side by side with the recommendation and the reason that decided it', () => {
    const r = compare('--settings', settings);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/cost \/ device/);
    expect(r.stdout).toMatch(/recommendation: in system/);
    expect(r.stdout).toMatch(/\* cost \(in system\)/);
  });

  it('an adapter\'s own price beats its type\'s list price in the wear cost', () => {
    const set = runCli(['--db', db, 'adapters', 'price', 'Q0', '800']);
    expect(set.code, set.stderr).toBe(0);
    const c = JSON.parse(compare('--json').stdout);
    // (800 + 3 × 400) / 4 sites / 10,000 = 0.05 an insertion.
    expect(c.offline.costPerDevice.wear).toBe(0.05);
    expect(runCli(['--db', db, 'adapters', 'price', 'Q0', 'none']).code).toBe(0);
    expect(runCli(['--db', db, 'adapters', 'price', 'Q9', '10']).stderr).toMatch(/no adapter with serial "Q9"/);
    expect(runCli(['--db', db, 'adapters', 'price', 'Q0', '-1']).code).toBe(1);
  });

  it('--format html writes a page with the cost lines crossing at the break-even and the time bars', () => {
    const out = path.join(dir, 'compare.html');
    const r = compare('--settings', settings, '--by', '2099-12-31', '--format', 'html', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const html = fs.readFileSync(out, 'utf8');
    expect(html).toMatch(/<svg[^>]+id="cost-lines"/);
    expect(html).toMatch(/<svg[^>]+id="time-bars"/);
    expect(html).toMatch(/class="break-even" data-quantity="\d+"/);
    expect(html).toMatch(/id="recommendation">in system</);
    expect(html).not.toMatch(/<script/);
  });

  it('a wrong settings file is refused with its name, the JSON path and the line, and nothing is computed', () => {
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, '{\n  "labourPerHour": 30,\n  "inSystem": {\n    "channels": 0\n  }\n}\n');
    const r = compare('--settings', bad);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toMatch(new RegExp(`^gangflash: ${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:4: site settings are not valid: inSystem.channels: `));
    const j = compare('--settings', bad, '--json');
    expect(JSON.parse(j.stdout).error).toMatchObject({ code: 'settings-invalid', line: 4 });
    const junk = path.join(dir, 'junk.json');
    fs.writeFileSync(junk, '{ "currency": "EUR", }');
    expect(compare('--settings', junk).stderr).toMatch(/site settings are not valid JSON/);
  });

  it('--settings naming a FIFO or /dev/zero is refused at once (exit 1, settings-unreadable), never waited on or read', () => {
    const fifo = path.join(dir, 'settings.fifo');
    execFileSync('mkfifo', [fifo]);
    for (const f of [fifo, '/dev/zero']) {
      const r = runCli(['--db', db, 'plan', '--chip', MCU.part, '--image', image, '--qty', '5000', '--compare', 'isp', '--settings', f, '--json'], { timeoutMs: 20_000 });
      expect(r.code, f).toBe(1);
      expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'settings-unreadable', file: f });
      expect(r.stderr).toContain(`${f}: is not a regular file`);
    }
  });

  it('a settings file that starts with a UTF-8 byte-order mark is read like the same file without it', () => {
    const bom = path.join(dir, 'site-bom.json');
    fs.writeFileSync(bom, `\uFEFF${fs.readFileSync(settings, 'utf8')}`);
    const r = compare('--settings', bom, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).figures.find((x: { name: string }) => x.name === 'inSystem.fixturePrice').source).toBe(`${bom}: inSystem.fixturePrice`);
  });

  it('--out naming the database, a folder or a missing folder is refused (exit 1) and the database is left as it was', () => {
    const before = fs.readFileSync(db);
    const self = compare('--format', 'html', '--out', db, '--json');
    expect(self.code).toBe(1);
    expect(JSON.parse(self.stdout).error.code).toBe('bad-out');
    expect(self.stderr).toContain(`--out ${db} is the gangflash database`);
    expect(fs.readFileSync(db).equals(before)).toBe(true);
    const folder = compare('--format', 'html', '--out', dir);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toContain(`--out ${dir} is not a regular file (a folder, pipe or device)`);
    const missing = path.join(dir, 'no-such-folder', 'c.html');
    const m = compare('--format', 'html', '--out', missing);
    expect(m.code).toBe(1);
    expect(m.stderr).toContain(`${missing}: cannot write the output (ENOENT)`);
    for (const r of [self, folder, m]) expect(r.stderr).not.toMatch(/internal error|    at /);
  });

  it('comparison options without --compare, an unknown route or interface are refused', () => {
    expect(runCli(['--db', db, 'plan', '--chip', MCU.part, '--image', image, '--qty', '10', '--format', 'html']).stderr).toMatch(/go with --compare isp/);
    expect(compare('--isp-interface', 'ethernet').stderr).toMatch(/--isp-interface ethernet: give one of swd/);
    expect(runCli(['--db', db, 'plan', '--chip', MCU.part, '--image', image, '--qty', '10', '--compare', 'sockets']).stderr).toMatch(/--compare sockets: give isp/);
  });
});

describe('compareLot on the farm', () => {
  it('measured cycle times beat the datasheet once the chip has enough attempts, and the time detail says so', () => {
    const f = fixture(dir, 'measured.db').family('gang', ['mcu']).model('G4', 'gang', 4).chip(MCU);
    f.adapterType({ id: 'qfn48-a', package: 'QFN48', w: 7, l: 7, pitch: 0.5, rated: 10_000, families: ['gang'] });
    const p = f.programmer('P1', 'G4', 4);
    for (let s = 0; s < 4; s++) f.adapter(`Q${s}`, 'qfn48-a', { programmer: p, site: s });
    const req = { chip: MCU.part, image: { size: 262_144, blankBytes: 0 }, qty: 1000 };
    const before = compareLot(f.db, req, costSettings());
    expect(before.offline.timeDetail).toMatch(/datasheet/);
    // 20 finished attempts of 3 s each: the median 3 s + 8 s handling = 11 s replaces the 13.13 s datasheet figure.
    f.lot('L1', MCU.part, { qty: 20 });
    for (let i = 0; i < 20; i++) f.attempt({ lot: 'L1', seq: i, programmer: p, site: i % 4, adapter: (i % 4) + 1, start: `2026-01-02T00:00:${String(i).padStart(2, '0')}.000Z`, durationSec: 3, result: 'pass' });
    const after = compareLot(f.db, req, costSettings());
    expect(after.offline.secPerDevice).toBe(11);
    expect(after.offline.timeDetail).toMatch(/history: median of 20 attempts/);
    // Neither adapters nor their type have a price: wear is priced at the settings' default, 300 / 10,000.
    expect(after.offline.costPerDevice.wear).toBe(0.03);
    f.db.close();
  });
});
