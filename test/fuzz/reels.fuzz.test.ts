import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { LotImportError } from '../../src/errors.js';
import { parseReels } from '../../src/lots/parse-reels.js';
import { importReels } from '../../src/lots/import.js';
import { seedChip, seedJob } from '../helpers/seed.js';
import { tmpDir } from '../helpers/tmp.js';
import { TEST_TIMEOUT, applyJsonEdits, applyTextEdits, fuzz, jsonEdits, nastyValue, parsesOrOwnError, textEdits } from './fuzz-kit.js';

const dir = tmpDir('gangflash-fuzz-reels-');
const GOOD_CSV = 'lot,reel,part,quantity,date_code,job\nL-1,R1,TEST-NAND-1G,3000,2447,job-a\nL-1,R2,TEST-NAND-1G,2500,2447,job-a\nL-2,R1,TEST-NAND-1G,10,2025-01-31,job-a\n';
const GOOD_JSON = { reels: [{ lot: 'L-1', reel: 'R1', part: 'TEST-NAND-1G', quantity: 3000, date_code: '2447', job: 'job-a' }, { lot: 'L-3', reel: 'R9', part: 'TEST-NAND-1G', qty: '12', dc: '2501', job_name: 'job-a' }] };

/** A CSV cell: plain, quoted with doubled quotes, or something nasty. */
const cell = fc.oneof(
  fc.constantFrom('L-1', 'R1', 'TEST-NAND-1G', '3000', '2447', 'job-a', '', '0', '-5', '1e9', '10000001', '2447A', '""', '"a,b"', '"line\nbreak"', 'x'.repeat(70)),
  fc.string({ maxLength: 12 }),
);
const csvRows = fc
  .tuple(
    fc.oneof(fc.constant(['lot', 'reel', 'part', 'quantity', 'date_code', 'job']), fc.constant(['lot', 'reel', 'part', 'quantity', 'date_code', 'job', 'qty']), fc.constant(['lot', 'lot', 'reel', 'part', 'quantity', 'date_code', 'job']), fc.array(fc.oneof(fc.constantFrom('lot', 'qty', 'DC', 'Part Number', 'lot', 'constructor', '__proto__'), fc.string({ maxLength: 6 })), { maxLength: 8 })),
    fc.array(fc.array(cell, { maxLength: 8 }), { maxLength: 6 }),
    fc.constantFrom('\n', '\r\n'),
  )
  .map(([head, rows, nl]) => [head, ...rows].map((r) => r.join(',')).join(nl));

describe('fuzz: reel files (lot import)', () => {
  it('parseReels: mutated and generated CSV either parses into checked rows or fails with a LotImportError', async () => {
    await fuzz(
      fc.property(fc.oneof(textEdits.map((e) => applyTextEdits(GOOD_CSV, e)), csvRows, fc.string({ maxLength: 200 })), (text) => {
        const r = parsesOrOwnError(() => parseReels(text, 'reels.csv'), text);
        if (r instanceof Error) expect(r).toBeInstanceOf(LotImportError);
        else for (const row of r.rows) expect(Number.isInteger(row.quantity) && row.quantity >= 1).toBe(true);
      }),
    );
  }, TEST_TIMEOUT);

  it('parseReels: mutated JSON documents either parse or fail with a LotImportError', async () => {
    await fuzz(
      fc.property(fc.oneof(jsonEdits.map((e) => JSON.stringify(applyJsonEdits(GOOD_JSON, e))), textEdits.map((e) => applyTextEdits(JSON.stringify(GOOD_JSON), e)), nastyValue.map((v) => JSON.stringify(v) ?? '')), (text) => {
        const r = parsesOrOwnError(() => parseReels(text, 'reels.json'), text);
        if (r instanceof Error) expect(r).toBeInstanceOf(LotImportError);
      }),
    );
  }, TEST_TIMEOUT);

  it('parseReels: a quantity is taken only from decimal digits or a JSON whole number, whatever the shape of the value', async () => {
    const quantity = fc.oneof(
      fc.constantFrom('1e3', '0x10', '12.0', '+5', ' 7 ', '007', '', ' ', '1_000', 'Infinity', 'NaN', '10000001', '٣'),
      fc.string({ maxLength: 8 }),
      nastyValue,
    );
    await fuzz(
      fc.property(quantity, fc.boolean(), fc.boolean(), (q, asCsv, bom) => {
        const text = asCsv
          ? `lot,reel,part,quantity,date_code,job\nL-1,R1,TEST-NAND-1G,"${cellText(q).replace(/"/g, '""')}",2447,job-a\n`
          : JSON.stringify([{ lot: 'L-1', reel: 'R1', part: 'TEST-NAND-1G', quantity: q, date_code: '2447', job: 'job-a' }]) ?? '';
        const r = parsesOrOwnError(() => parseReels(`${bom ? '\uFEFF' : ''}${text}`, asCsv ? 'r.csv' : 'r.json'), q);
        if (r instanceof Error) return expect(r).toBeInstanceOf(LotImportError);
        for (const row of r.rows) {
          const decimal = typeof q === 'string' ? /^\s*\d+\s*$/.test(q) : Number.isSafeInteger(q);
          expect(decimal, `quantity ${JSON.stringify(q)} taken as ${row.quantity}`).toBe(true);
          expect(row.quantity >= 1 && row.quantity <= 10_000_000).toBe(true);
        }
      }),
    );
  }, TEST_TIMEOUT);

  it('a field named like an Object method is reported as unknown, not silently accepted', () => {
    const r = parseReels(JSON.stringify([{ ...GOOD_JSON.reels[0], constructor: 'x', toString: 'y' }]), 'r.json');
    expect(r.problems).toEqual([{ row: 1, reason: 'unknown field "constructor"; unknown field "toString"' }]);
  });

  it('importReels: a hostile file imports in one piece or is refused with a LotImportError, and a refusal changes nothing', async () => {
    const db = openDb(path.join(dir, 'import.db'));
    seedJob(db, 'job-a', seedChip(db));
    const file = path.join(dir, 'reels.csv');
    let n = 0;
    const rowsNow = () => db.prepare('SELECT (SELECT count(*) FROM lots) + (SELECT count(*) FROM reels)').pluck().get() as number;
    try {
      await fuzz(
        fc.property(fc.oneof(textEdits.map((e) => applyTextEdits(GOOD_CSV, e)), csvRows), fc.boolean(), (text, asJson) => {
          const f = `${file}.${n++}.${asJson ? 'json' : 'csv'}`;
          fs.writeFileSync(f, text);
          const before = rowsNow();
          const r = parsesOrOwnError(() => importReels(db, f), text);
          if (r instanceof Error) {
            expect(r).toBeInstanceOf(LotImportError);
            expect(rowsNow()).toBe(before);
          }
          fs.rmSync(f);
        }),
      );
    } finally {
      db.close();
    }
  }, TEST_TIMEOUT);
});

/** Any value as the text of a CSV cell; a value String() cannot convert (e.g. an own `toString: false`) goes as its JSON. */
function cellText(v: unknown): string {
  try {
    return String(v);
  } catch {
    return JSON.stringify(v) ?? '';
  }
}
