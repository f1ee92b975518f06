import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseSerialSpec, formatSerial, serialSpecText, serialWrite, serialNumberAt, checkSerialPlacement } from '../../src/jobs/serial.js';
import { JobError } from '../../src/errors.js';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof JobError) return e.code;
    throw e;
  }
  return 'no error';
}

describe('serial spec', () => {
  it('parses a prefixed start, a step and a hex offset', () => {
    expect(parseSerialSpec('SN000100:5@0x7FF000')).toEqual({ prefix: 'SN', start: 100, step: 5, width: 6, offset: 0x7ff000 });
  });

  it('parses a plain decimal start with the default step and no offset (record only)', () => {
    expect(parseSerialSpec('1000')).toEqual({ prefix: '', start: 1000, step: 1, width: 4, offset: null });
  });

  it('takes the last run of digits as the number when the prefix holds digits', () => {
    expect(parseSerialSpec('AB12-CD0042@4096')).toEqual({ prefix: 'AB12-CD', start: 42, step: 1, width: 4, offset: 4096 });
  });

  it('refuses a start without digits, a zero step, and stray separators', () => {
    expect(code(() => parseSerialSpec('SN'))).toBe('serial-syntax');
    expect(code(() => parseSerialSpec('SN01:0'))).toBe('serial-syntax');
    expect(code(() => parseSerialSpec('SN01@'))).toBe('serial-syntax');
    expect(code(() => parseSerialSpec('S:N01'))).toBe('serial-syntax');
    expect(code(() => parseSerialSpec('SN 01'))).toBe('serial-syntax');
  });

  it('numbers devices from start by step, zero-padded, and writes their ASCII at the offset', () => {
    const rule = parseSerialSpec('SN000098:2@16');
    expect([0, 1, 2].map((k) => formatSerial(rule, serialNumberAt(rule, k)))).toEqual(['SN000098', 'SN000100', 'SN000102']);
    const w = serialWrite(rule, 100, 3)!;
    expect(w.site).toBe(3);
    expect(w.offset).toBe(16);
    expect(Buffer.from(w.bytes).toString('ascii')).toBe('SN000100');
    expect(serialWrite(parseSerialSpec('7'), 7, 0)).toBeUndefined();
  });

  it('refuses a serial past the usable area or inside the image unless overwriting is allowed', () => {
    const rule = parseSerialSpec('SN0001@100');
    expect(code(() => checkSerialPlacement(rule, { usableBytes: 105, imageBytes: 0 }))).toBe('serial-outside-chip');
    expect(code(() => checkSerialPlacement(rule, { usableBytes: 1000, imageBytes: 101 }))).toBe('serial-inside-image');
    expect(code(() => checkSerialPlacement(rule, { usableBytes: 1000, imageBytes: 101, overwrite: true }))).toBe('no error');
    expect(code(() => checkSerialPlacement(rule, { usableBytes: 106, imageBytes: 100 }))).toBe('no error');
  });

  it('round-trips any valid spec through its text form', () => {
    const arb = fc.record({
      prefix: fc.stringMatching(/^[A-Z][A-Za-z\-_/]{0,5}$/).map((s) => s).chain((s) => fc.constantFrom(s, '')),
      digits: fc.stringMatching(/^[0-9]{1,12}$/),
      step: fc.integer({ min: 1, max: 1_000_000 }),
      offset: fc.option(fc.integer({ min: 0, max: 2 ** 40 }), { nil: null }),
      hex: fc.boolean(),
    });
    fc.assert(
      fc.property(arb, ({ prefix, digits, step, offset, hex }) => {
        const text = `${prefix}${digits}${step === 1 ? '' : `:${step}`}${offset === null ? '' : `@${hex ? `0x${offset.toString(16)}` : offset}`}`;
        const rule = parseSerialSpec(text);
        expect(rule).toEqual({ prefix, start: Number(digits), step, width: digits.length, offset });
        expect(formatSerial(rule, rule.start)).toBe(prefix + digits);
        expect(parseSerialSpec(serialSpecText(rule))).toEqual(rule);
      }),
      { numRuns: 500 },
    );
  });
});
