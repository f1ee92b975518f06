import { UsageError } from './errors.js';

/** A documented range for a whole number a user gives: smallest and largest accepted value. */
export interface IntRange {
  min: number;
  max: number;
}

/** Devices in one lot, plan or reel: at least 1, at most 10,000,000 (a reel of 10 M parts is past any real reel). */
export const QUANTITY: IntRange = { min: 1, max: 10_000_000 };

/**
 * A whole decimal number within `range` from text (surrounding blanks allowed), or undefined: only the digits 0-9
 * (no sign, exponent, hex, fraction, or empty text), so `1e3`, `0x10`, `7.0` and `true` are never quantities.
 */
export function decimalInt(text: unknown, range: IntRange): number | undefined {
  if (typeof text === 'number') return Number.isSafeInteger(text) && text >= range.min && text <= range.max ? text : undefined;
  if (typeof text !== 'string') return undefined;
  const t = text.trim();
  if (!/^\d{1,16}$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isSafeInteger(n) && n >= range.min && n <= range.max ? n : undefined;
}

/** Like `decimalInt`, but text only (a JSON number is accepted by `decimalInt`, a CLI option or query is text). */
export function decimalIntText(text: unknown, range: IntRange): number | undefined {
  return typeof text === 'string' ? decimalInt(text, range) : undefined;
}

/** A whole decimal number of option `flag` within `range`; a UsageError naming the flag and the range otherwise. */
export function intOption(flag: string, text: string, range: IntRange): number {
  const n = decimalIntText(text, range);
  if (n === undefined) {
    throw new UsageError('bad-number', `${flag} ${text}: give a whole decimal number from ${range.min.toLocaleString('en-US')} to ${range.max.toLocaleString('en-US')}`);
  }
  return n;
}
