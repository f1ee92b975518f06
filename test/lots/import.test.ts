import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { importReels } from '../../src/lots/import.js';
import { lotCounters } from '../../src/lots/counters.js';
import { LotImportError } from '../../src/errors.js';
import { runCli } from '../helpers/cli.js';
import { seedChip, seedJob } from '../helpers/seed.js';
import { tmpDir } from '../helpers/tmp.js';

const dir = tmpDir();
let n = 0;
function fresh() {
  const file = path.join(dir, `lots-${++n}.db`);
  const db = openDb(file);
  seedJob(db, 'fw-a', seedChip(db, 'TEST-NAND-1G'));
  seedJob(db, 'fw-b', seedChip(db, 'TEST-NAND-2G'));
  return { db, file };
}
function write(name: string, text: string): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
}
const snapshot = (db: ReturnType<typeof openDb>) =>
  JSON.stringify([db.prepare('SELECT * FROM lots').all(), db.prepare('SELECT * FROM reels').all(), db.prepare('SELECT * FROM imports').all()]);

/** The error importReels throws for `file`, or undefined when it imports. */
function rejection(db: ReturnType<typeof openDb>, file: string): LotImportError | undefined {
  try {
    importReels(db, file);
  } catch (e) {
    return e as LotImportError;
  }
  return undefined;
}

describe('reel import', () => {
  it('a CSV with two reels creates the lot with the sum of their quantities planned', () => {
    const { db } = fresh();
    const f = write('ok.csv', 'lot,reel,part,quantity,date_code,job\nL1,R1,TEST-NAND-1G,3000,2447,fw-a\nL1,R2,TEST-NAND-1G,1500,2447,fw-a\n');
    const r = importReels(db, f);
    expect(r).toMatchObject({ alreadyImported: false, lotsAdded: ['L1'], reelsAdded: 2, devicesPlanned: 4500 });
    expect(lotCounters(db, 'L1')).toMatchObject({ planned: 4500, passed: 0, failed: 0, remaining: 4500, reels: 2 });
  });

  it('importing the same file twice adds nothing and says so', () => {
    const { db } = fresh();
    const f = write('twice.csv', 'lot,reel,part,quantity,date_code,job\nL2,R1,TEST-NAND-1G,10,2447,fw-a\n');
    importReels(db, f);
    const before = snapshot(db);
    expect(importReels(db, f).alreadyImported).toBe(true);
    expect(snapshot(db)).toBe(before);
  });

  it('a JSON file in {reels: [...]} form with ERP column spellings is accepted', () => {
    const { db } = fresh();
    const f = write('ok.json', JSON.stringify({ reels: [{ lot_id: 'L3', reel_id: 'R9', pn: 'TEST-NAND-2G', qty: 12, dc: '2501', job: 'fw-b' }] }));
    expect(importReels(db, f)).toMatchObject({ reelsAdded: 1, devicesPlanned: 12 });
  });

  it('a file with bad rows is rejected with every bad row number and reason, and changes nothing', () => {
    const { db } = fresh();
    const before = snapshot(db);
    const f = write(
      'bad.csv',
      [
        'lot,reel,part,quantity,date_code,job',
        'L4,R1,TEST-NAND-1G,100,2447,fw-a', // line 2: fine
        'L4,R2,TEST-NAND-1G,-5,2447,fw-a', // line 3: negative quantity
        'L4,R3,TEST-NAND-2G,10,2447,fw-a', // line 4: part does not match the job
        'L4,R1,TEST-NAND-1G,100,2447,fw-a', // line 5: duplicate reel
        'L4,R5,TEST-NAND-1G,10,24W7,fw-a', // line 6: bad date code
        'L4,R6,TEST-NAND-1G,10,2447,nojob', // line 7: unknown job
      ].join('\n'),
    );
    const err = rejection(db, f);
    expect(err).toBeInstanceOf(LotImportError);
    const rows = (err!.details as { row: number; reason: string }[]).map((p) => p.row);
    expect(rows).toEqual([3, 4, 5, 6, 7]);
    expect(err!.message).toMatch(/row 3: quantity is not a whole decimal number from 1 to 10,000,000 \(got "-5"\)/);
    expect(err!.message).toMatch(/row 4: part TEST-NAND-2G does not match job fw-a/);
    expect(err!.message).toMatch(/row 5: reel R1 of lot L4 appears twice \(also row 2\)/);
    expect(snapshot(db)).toBe(before);
  });

  it('a JSON quantity written as 1e3, 12.0 or 1e309 is refused with the text the file holds, and nothing is imported', () => {
    const { db } = fresh();
    const rows = ['1e3', '12.0', '1e309'].map((q, i) => `{"lot":"L9","reel":"R${i + 1}","part":"TEST-NAND-1G","quantity":${q},"date_code":"2447","job":"fw-a"}`);
    const f = write('exp.json', `[${rows.join(',')},{"lot":"L9","reel":"R4","part":"TEST-NAND-1G","quantity":7,"date_code":"2447","job":"fw-a"}]`);
    const err = rejection(db, f);
    expect(err?.details).toEqual([
      { row: 1, reason: 'quantity is not a whole decimal number from 1 to 10,000,000 (got "1e3")' },
      { row: 2, reason: 'quantity is not a whole decimal number from 1 to 10,000,000 (got "12.0")' },
      { row: 3, reason: 'quantity is not a whole decimal number from 1 to 10,000,000 (got "1e309")' },
    ]);
    expect(() => lotCounters(db, 'L9')).toThrow(/no lot "L9"/);
  });

  it('a .json file that is not an array or {reels: [...]} (null, a number) is refused as JSON, not read as a CSV header', () => {
    const { db, file } = fresh();
    db.close();
    for (const text of ['null\n', '42\n', '"reels"\n']) {
      const r = runCli(['--db', file, 'lot', 'import', write('scalar.json', text), '--json']);
      expect(r.code, text).toBe(1);
      expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'import-json', message: 'expected an array of reels or an object {"reels": [...]}' });
    }
  });

  it('a reel that already exists with other content is refused, an identical one is left as it was', () => {
    const { db } = fresh();
    importReels(db, write('a.csv', 'lot,reel,part,quantity,date_code,job\nL5,R1,TEST-NAND-1G,10,2447,fw-a\n'));
    const same = importReels(db, write('b.csv', 'lot,reel,part,quantity,date_code,job\nL5,R1,TEST-NAND-1G,10,2447,fw-a\nL5,R2,TEST-NAND-1G,5,2447,fw-a\n'));
    expect(same).toMatchObject({ reelsAdded: 1, reelsUnchanged: 1 });
    expect(() => importReels(db, write('c.csv', 'lot,reel,part,quantity,date_code,job\nL5,R1,TEST-NAND-1G,11,2447,fw-a\n'))).toThrowError(/already exists with part TEST-NAND-1G, quantity 10/);
  });

  it('lot import on the command line exits 1 with the row numbers and --json gives the bad rows to scripts', () => {
    const { db, file } = fresh();
    db.close();
    const f = write('cli-bad.csv', 'lot,reel,part,quantity,date_code,job\nL6,R1,TEST-NAND-1G,abc,2447,fw-a\n');
    const r = runCli(['--db', file, 'lot', 'import', f, '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cli-bad\.csv: 1 bad row\(s\); nothing was imported/);
    expect(JSON.parse(r.stdout).error.details).toEqual([{ row: 2, reason: 'quantity is not a whole decimal number from 1 to 10,000,000 (got "abc")' }]);
    const ok = runCli(['--db', file, 'lot', 'import', write('cli-ok.csv', 'lot,reel,part,quantity,date_code,job\nL6,R1,TEST-NAND-1G,7,2447,fw-a\n'), '--json']);
    expect(ok.code).toBe(0);
    const show = runCli(['--db', file, 'lot', 'show', 'L6', '--json']);
    expect(JSON.parse(show.stdout)).toMatchObject({ lot: 'L6', planned: 7, remaining: 7 });
  });

  it('lot import - says reading reels from standard input is not supported and to give a file path', () => {
    const { db, file } = fresh();
    db.close();
    const r = runCli(['--db', file, 'lot', 'import', '-', '--json'], { input: 'lot,reel,part,quantity,date_code,job\nL7,R1,TEST-NAND-1G,7,2447,fw-a\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('gangflash: reading reels from standard input is not supported; save them to a CSV or JSON file and give its path (a file named "-": ./-) [import-stdin]\n');
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'import-stdin' });
    expect(runCli(['--db', file, 'lot', 'list', '--json']).stdout.trim()).toBe('[]');
  });

  it('a UTF-16 reel file (FF FE or FE FF mark, or NUL bytes in its first line) is refused naming the file and asking for UTF-8', () => {
    const { db, file } = fresh();
    db.close();
    const text = 'lot,reel,part,quantity,date_code,job\nL8,R1,TEST-NAND-1G,7,2447,fw-a\n';
    const le = Buffer.from(text, 'utf16le');
    const be = Buffer.from(le).swap16();
    for (const [name, bytes, said] of [
      ['utf16le-bom.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), le]), 'is UTF-16 text (little-endian, byte-order mark FF FE), not UTF-8'],
      ['utf16be-bom.csv', Buffer.concat([Buffer.from([0xfe, 0xff]), be]), 'is UTF-16 text (big-endian, byte-order mark FE FF), not UTF-8'],
      ['utf16le-no-bom.csv', le, 'holds NUL bytes in its first line'],
      ['utf16be-no-bom.json', be, 'holds NUL bytes in its first line'],
    ] as const) {
      const f = path.join(dir, name);
      fs.writeFileSync(f, bytes);
      const r = runCli(['--db', file, 'lot', 'import', f, '--json']);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^gangflash: ${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(:1)?: `));
      expect(r.stderr).toContain(said);
      expect(r.stderr).toContain('save it as UTF-8 (in Excel: Save As, "CSV UTF-8 (Comma delimited)")');
      expect(r.stderr).not.toContain('unknown column');
      expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'import-encoding', file: f });
    }
  });

  it('a Latin-1 byte in a reel id is reported with the value as read and the hint that the file may not be UTF-8', () => {
    const { db, file } = fresh();
    const f = path.join(dir, 'latin1.csv');
    fs.writeFileSync(f, Buffer.concat([Buffer.from('lot,reel,part,quantity,date_code,job\nL9,R1', 'latin1'), Buffer.from([0xe9]), Buffer.from(',TEST-NAND-1G,7,2447,fw-a\nL9,R2,TEST-NAND-1G,7,2447,fw-a\n')]));
    const err = rejection(db, f);
    expect(err?.details).toEqual([
      { row: 2, reason: 'reel may hold only letters, digits and . _ : / - (got "R1\uFFFD"); the file may not be UTF-8 (\uFFFD stands for a byte that is not): save it as UTF-8 (in Excel: Save As, "CSV UTF-8 (Comma delimited)") and import it again' },
    ]);
    db.close();
    const r = runCli(['--db', file, 'lot', 'import', f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('row 2: reel may hold only letters, digits and . _ : / - (got "R1\uFFFD"); the file may not be UTF-8');
    // A plain ASCII mistake keeps its value and gets no encoding hint.
    const ascii = runCli(['--db', file, 'lot', 'import', write('ascii-bad.csv', 'lot,reel,part,quantity,date_code,job\nL9,R 1,TEST-NAND-1G,7,2447,fw-a\n')]);
    expect(ascii.stderr).toContain('row 2: reel may hold only letters, digits and . _ : / - (got "R 1") [import-rejected]');
  });
});
