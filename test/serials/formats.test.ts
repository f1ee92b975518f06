import { describe, expect, it } from 'vitest';
import { GangflashError } from '../../src/errors.js';
import { Counter } from '../../src/serials/counter.js';
import { encodeBcd, encodeBinary, toHex } from '../../src/serials/encode.js';
import { MacRange } from '../../src/serials/mac.js';
import { counterFieldSchema, macFieldSchema } from '../../src/serials/spec.js';

const counter = (o: Record<string, unknown>) => new Counter(counterFieldSchema.parse({ kind: 'counter', at: 0, ...o }));
const mac = (o: Record<string, unknown>) => new MacRange(macFieldSchema.parse({ kind: 'mac', at: 0x10, ...o }));
const hexAt = (c: { valueAt(k: bigint): { writes: { bytes: Uint8Array }[] } }, k: number) => toHex(c.valueAt(BigInt(k)).writes[0].bytes);

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof GangflashError) return e.code;
    throw e;
  }
  throw new Error('expected an error');
}

describe('serial counters', () => {
  it('a decimal ASCII counter writes prefix, zero-padded digits and suffix', () => {
    const c = counter({ prefix: 'GF-2026-', start: '000001', suffix: '/A' });
    expect(c.valueAt(0n).text).toBe('GF-2026-000001/A');
    // 'G'=47 'F'=46 '-'=2D '2'=32 '0'=30 '2'=32 '6'=36 '-'=2D then 000042 and '/'=2F 'A'=41
    expect(hexAt(c, 41)).toBe('47462D323032362D3030303034322F41');
  });

  it('a hexadecimal counter counts in upper-case hex digits at its step', () => {
    const c = counter({ radix: 16, start: '0x00FE', width: 4, step: 2 });
    expect(c.valueAt(0n).text).toBe('00FE');
    expect(c.valueAt(1n).text).toBe('0100'); // 0xFE + 2
    expect(hexAt(c, 1)).toBe('30313030');
  });

  it('binary little- and big-endian values are laid out byte by byte', () => {
    expect(hexAt(counter({ start: 0x12345678, encoding: 'bin-le', bytes: 4 }), 0)).toBe('78563412');
    expect(hexAt(counter({ start: 0x12345678, encoding: 'bin-be', bytes: 4 }), 0)).toBe('12345678');
    expect(hexAt(counter({ start: '0x8000000000000001', encoding: 'bin-be', bytes: 8 }), 1)).toBe('8000000000000002');
    expect(hexAt(counter({ start: 254, encoding: 'bin-le', bytes: 1 }), 1)).toBe('FF');
  });

  it('BCD packs two decimal digits a byte, most significant first', () => {
    expect(hexAt(counter({ start: 123456, encoding: 'bcd', bytes: 3 }), 0)).toBe('123456');
    expect(hexAt(counter({ start: 99, encoding: 'bcd', bytes: 2 }), 0)).toBe('0099');
    expect(hexAt(counter({ start: 99, encoding: 'bcd', bytes: 2 }), 1)).toBe('0100');
    expect(toHex(encodeBcd(9999999999n, 5))).toBe('9999999999');
    expect(() => encodeBcd(100n, 1)).toThrow(/does not fit in 1 byte of BCD/);
  });

  it('an ASCII counter never grows past its width: the value after 99 of width 2 is refused', () => {
    const c = counter({ start: '98' });
    expect(c.capacity()).toBe(2n);
    expect(c.valueAt(1n).text).toBe('99');
    expect(code(() => c.valueAt(2n))).toBe('serial-exhausted');
  });

  it('a counter that runs to its end issues exactly the values up to it', () => {
    const c = counter({ start: 10, step: 5, end: 30 });
    expect(c.capacity()).toBe(5n);
    expect([0n, 4n].map((k) => c.valueAt(k).text)).toEqual(['10', '30']);
    expect(code(() => c.valueAt(5n))).toBe('serial-exhausted');
  });

  it('an end that the encoding cannot hold, or a start past the end, is refused when the rule is made', () => {
    expect(code(() => counter({ start: 1, end: 256, encoding: 'bin-le', bytes: 1 }))).toBe('serial-rule');
    expect(code(() => counter({ start: 9, end: 3 }))).toBe('serial-rule');
    expect(code(() => counter({ start: 1, encoding: 'bin-be', bytes: 9 }))).toBe('serial-rule');
    expect(code(() => counter({ start: 1, prefix: 'é' }))).toBe('serial-encoding');
  });

  it('a counter with a null offset records its value and writes nothing', () => {
    expect(counter({ start: 7, at: null }).valueAt(0n)).toEqual({ name: 'serial', text: '7', writes: [] });
  });

  it('binary encoding refuses values out of range', () => {
    expect(() => encodeBinary(256n, 1, 'le')).toThrow(/does not fit in 1 byte/);
    expect(toHex(encodeBinary(0xffffffffffffffffn, 8, 'le'))).toBe('FFFFFFFFFFFFFFFF');
  });
});

describe('MAC address ranges', () => {
  it('addresses count up from first and are written as six bytes in network order', () => {
    const m = mac({ first: '00:1A:2B:00:00:FE', last: '00-1A-2B-00-01-00' });
    expect(m.capacity()).toBe(3n);
    expect(m.valueAt(2n).text).toBe('00:1A:2B:00:01:00');
    expect(hexAt(m, 1)).toBe('001A2B0000FF');
  });

  it('the range end is never crossed, whatever the step', () => {
    const m = mac({ first: '00:1A:2B:00:00:00', last: '00:1A:2B:00:00:09', step: 4 });
    expect(m.capacity()).toBe(3n); // :00 :04 :08
    expect(m.valueAt(2n).text).toBe('00:1A:2B:00:00:08');
    expect(code(() => m.valueAt(3n))).toBe('serial-exhausted');
  });

  it('a text MAC is written as its ASCII', () => {
    expect(toHex(mac({ first: '02:00:00:00:00:0A', last: '02:00:00:00:00:FF', encoding: 'text' }).valueAt(0n).writes[0].bytes)).toBe(
      Buffer.from('02:00:00:00:00:0A').toString('hex').toUpperCase(),
    );
  });

  it('a multicast first address, a reversed range and a malformed address are refused', () => {
    expect(code(() => mac({ first: '01:00:5E:00:00:00', last: '01:00:5E:00:00:10' }))).toBe('serial-rule');
    expect(code(() => mac({ first: '00:1A:2B:00:00:10', last: '00:1A:2B:00:00:01' }))).toBe('serial-rule');
    expect(code(() => mac({ first: '00:1A:2B:00:00', last: '00:1A:2B:00:00:01' }))).toBe('serial-rule');
  });
});
