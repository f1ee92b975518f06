import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GangflashError } from '../../src/errors.js';
import { toHex } from '../../src/serials/encode.js';
import { parseDat } from '../../src/serials/dat-file.js';
import { callGenerator } from '../../src/serials/generator.js';
import { parseListFile } from '../../src/serials/list-file.js';
import { generatorSchema } from '../../src/serials/spec.js';
import { tmpDir } from '../helpers/tmp.js';

const dir = tmpDir();

function errorOf(fn: () => unknown): GangflashError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GangflashError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('serial list files (PG4UW from-file layout)', () => {
  it('records give their label and the bytes at one or two hex addresses; comments and blank lines are skipped', () => {
    const text = ['; keys for lot 7', '', '[k001] 7FF000 DE AD be ef ; first', '[K002] 7FF000 01 02 03 04 , 7FF100 A 0B', '  [unit 3]7FF000 FF'].join('\r\n');
    const recs = parseListFile(text, 'keys.txt');
    expect(recs.map((r) => [r.label, r.line, r.writes.map((w) => [w.offset, toHex(w.bytes)])])).toEqual([
      ['k001', 3, [[0x7ff000, 'DEADBEEF']]],
      ['K002', 4, [[0x7ff000, '01020304'], [0x7ff100, '0A0B']]],
      ['unit 3', 5, [[0x7ff000, 'FF']]],
    ]);
  });

  it('a label used twice (in any case), a bad byte and an over-long line are refused with their line numbers', () => {
    expect(errorOf(() => parseListFile('[a] 0 01\n[A] 0 02', 'l.txt'))).toMatchObject({ code: 'serial-list-syntax', line: 2, file: 'l.txt' });
    expect(errorOf(() => parseListFile('[a] 0 01\n[b] 0 0x2', 'l.txt')).message).toContain('"0x2" is not one or two hex digits');
    const long = `[a] 0 ${Array(65).fill('00').join(' ')}`;
    expect(errorOf(() => parseListFile(long, 'l.txt')).message).toContain('65 bytes; 1 to 64');
    const two = `[a] 0 ${Array(60).fill('00').join(' ')} , 100 ${Array(21).fill('11').join(' ')}`;
    expect(errorOf(() => parseListFile(two, 'l.txt')).message).toContain('81 bytes; at most 80');
    expect(errorOf(() => parseListFile('[a] 123456789 00', 'l.txt')).message).toContain('not 1 to 4 bytes of hex');
    expect(errorOf(() => parseListFile('; nothing', 'l.txt')).code).toBe('serial-list-empty');
  });

  it('any text either parses or fails with a gangflash error naming a line', () => {
    const line = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.tuple(fc.string({ maxLength: 6 }), fc.stringMatching(/^[0-9a-fA-F]{0,10}$/), fc.array(fc.stringMatching(/^[0-9a-fA-F]{0,3}$/), { maxLength: 70 })).map(([l, a, b]) => `[${l}] ${a} ${b.join(' ')}`),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), (lines) => {
        try {
          for (const r of parseListFile(lines.join('\n'), 'f.txt')) for (const w of r.writes) expect(w.bytes.length).toBeGreaterThan(0);
        } catch (e) {
          expect(e).toBeInstanceOf(GangflashError);
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
  });
});

describe('serial generator .dat files (PG4UW custom-generator protocol)', () => {
  it('T01..T04 with Intel HEX data give the current and next number and the writes', async () => {
    // :03 0000 00 303031 — 3 bytes "001" at 0; checksum = -(03+00+00+00+30+30+31 = 0x94) & FF = 0x6C
    const a = await parseDat('T01:000001\nT02:000002\nT03:99\nT11:low stock\nT04:\n:030000003030316C\n:00000001FF\n', 'serial.dat');
    expect(a).toMatchObject({ current: '000001', next: '000002', warnings: ['low stock'] });
    expect(a.writes.map((w) => [w.offset, toHex(w.bytes)])).toEqual([[0, '303031']]);
  });

  it('ASCII-space data sets addresses with $A and skips STX/ETX', async () => {
    const a = await parseDat('T01:7\nT02:8\nT03:50\nT04:\n\x02$A7FF000,\n12 34 56\n$A10, AB\x03\n', 'serial.dat');
    expect(a.writes.map((w) => [w.offset, toHex(w.bytes)])).toEqual([[0x7ff000, '123456'], [0x10, 'AB']]);
  });

  it('T05 stops with the generator message, T06 means the rule is exhausted, a missing T02 is refused', async () => {
    await expect(parseDat('T05:database offline\n', 's.dat')).rejects.toMatchObject({ code: 'serial-generator-stop', message: expect.stringContaining('database offline') });
    await expect(parseDat('T06:\n', 's.dat')).rejects.toMatchObject({ code: 'serial-exhausted' });
    await expect(parseDat('T01:1\nT03:99\nT04:\n:00000001FF\n', 's.dat')).rejects.toMatchObject({ code: 'serial-generator-output', message: expect.stringContaining('T02') });
    await expect(parseDat('T01:1\nT02:2\nT03:99\nT04:\n:0300000030303100\n', 's.dat')).rejects.toMatchObject({ line: 5 });
  });

  it('a generator script is called with -N and -E in its own folder and its .dat is read and removed', async () => {
    const script = path.join(dir, 'gen.mjs');
    fs.writeFileSync(
      script,
      [
        "import fs from 'node:fs';",
        "const n = process.argv.find((a) => a.startsWith('-N')).slice(2);",
        "const e = process.argv.find((a) => a.startsWith('-E'))?.slice(2);",
        "if (e !== undefined && Number(n) > Number(e)) { fs.writeFileSync('serial.dat', 'T06:\\n'); process.exit(0); }",
        "const text = 'SN' + n;",
        "const bytes = Buffer.from(text);",
        "const rec = [bytes.length, 0x10, 0x00, 0x00, ...bytes];",
        "const sum = (0x100 - (rec.reduce((a, b) => a + b, 0) & 0xff)) & 0xff;",
        "const line = ':' + Buffer.from([...rec, sum]).toString('hex').toUpperCase();",
        "const next = String(Number(n) + 3).padStart(n.length, '0');",
        "fs.writeFileSync(process.env.GANGFLASH_SERIAL_DAT, `T01:${n}\\nT02:${next}\\nT03:99\\nT04:\\n${line}\\n:00000001FF\\n`);",
      ].join('\n'),
    );
    const spec = generatorSchema.parse({ program: process.execPath, args: [script], start: '0100', last: '0103' });
    const work = fs.mkdtempSync(path.join(dir, 'w-'));
    const first = await callGenerator(spec, '0100', work);
    expect(first.next).toBe('0103');
    expect(first.writes.map((w) => [w.offset, Buffer.from(w.bytes).toString()])).toEqual([[0x1000, 'SN0100']]);
    expect(fs.readdirSync(work)).toEqual([]);
    await expect(callGenerator(spec, '0106', work)).rejects.toMatchObject({ code: 'serial-exhausted' });
  });

  it('a generator that hangs, fails, is missing or echoes another number is refused and issues nothing', async () => {
    const work = fs.mkdtempSync(path.join(dir, 'w-'));
    const run = (code: string, extra: Record<string, unknown> = {}) => {
      const script = path.join(work, `g${Math.random().toString(36).slice(2)}.mjs`);
      fs.writeFileSync(script, code);
      return callGenerator(generatorSchema.parse({ program: process.execPath, args: [script], start: '1', ...extra }), '1', work);
    };
    await expect(run('setTimeout(() => {}, 60000);', { timeoutMs: 300 })).rejects.toMatchObject({ code: 'serial-generator-failed', message: expect.stringContaining('longer than 300 ms') });
    await expect(run("console.error('no licence'); process.exit(3);")).rejects.toMatchObject({ message: expect.stringContaining('exited with 3: no licence') });
    await expect(run('')).rejects.toMatchObject({ code: 'serial-generator-output', message: expect.stringContaining('wrote no serial.dat') });
    await expect(run("require('fs')")).rejects.toBeTruthy();
    await expect(run("import fs from 'node:fs'; fs.writeFileSync('serial.dat', 'T01:2\\nT02:3\\nT03:99\\nT04:\\n:0100000041BE\\n:00000001FF\\n');")).rejects.toMatchObject({
      message: expect.stringContaining('T01 must repeat'),
    });
    await expect(callGenerator(generatorSchema.parse({ program: path.join(work, 'nope'), start: '1' }), '1', work)).rejects.toMatchObject({
      message: expect.stringContaining('not found'),
    });
  });
});
