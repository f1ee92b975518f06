import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';

const dir = tmpDir('gangflash-header-');
const db = path.join(dir, 'g.db');

/** A reel file of 500 rows under `header`, each row made by `row(i)`. */
function file(name: string, header: string, row: (i: number) => string): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, [header, ...Array.from({ length: 500 }, (_, i) => row(i + 1))].join('\n') + '\n');
  return f;
}

describe('reel import header problems are reported once, for the whole file', () => {
  expect(runCli(['--db', db, 'db', 'init']).code).toBe(0);

  it('a missing date_code column is one message naming the column, not a line per row', () => {
    const f = file('missing.csv', 'lot,reel,part,quantity,job', (i) => `L1,R${i},KLM8G1GETF-B041,10,j`);
    const r = runCli(['--db', db, 'lot', 'import', f]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('missing.csv:1: missing column date_code; the header must name lot, reel, part, quantity, date_code, job [import-csv]');
  });

  it("a file separated by ';' or tabs says which separator it found", () => {
    const semi = runCli(['--db', db, 'lot', 'import', file('semi.csv', 'lot;reel;part;quantity;date_code;job', (i) => `L1;R${i};KLM8G1GETF-B041;10;2447;j`)]);
    expect(semi.code).toBe(1);
    expect(semi.stderr).toMatch(/semi\.csv:1: the separator is ';', not a comma .*\[import-csv\]\n$/);
    const tab = runCli(['--db', db, 'lot', 'import', file('tab.csv', 'lot\treel\tpart\tquantity\tdate_code\tjob', (i) => `L1\tR${i}\tKLM8G1GETF-B041\t10\t2447\tj`)]);
    expect(tab.stderr).toMatch(/the separator is a tab, not a comma/);
  });

  it('an unknown column is one message listing the columns gangflash reads', () => {
    const r = runCli(['--db', db, 'lot', 'import', file('extra.csv', 'lot,reel,part,quantity,date_code,job,colour', (i) => `L1,R${i},KLM8G1GETF-B041,10,2447,j,red`), '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'import-csv', line: 1, message: expect.stringContaining('unknown column "colour"; the columns are lot, reel, part, quantity, date_code, job') });
  });
});
