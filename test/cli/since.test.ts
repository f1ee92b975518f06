import { describe, expect, it } from 'vitest';
import { parseSince } from '../../src/cli/since.js';

describe('--since', () => {
  const now = Date.parse('2026-11-27T12:00:00Z');

  it('takes an age back from now in minutes, hours, days or weeks', () => {
    expect(parseSince('30m', now)).toBe('2026-11-27T11:30:00.000Z');
    expect(parseSince('8h', now)).toBe('2026-11-27T04:00:00.000Z');
    expect(parseSince('2d', now)).toBe('2026-11-25T12:00:00.000Z');
    expect(parseSince('1w', now)).toBe('2026-11-20T12:00:00.000Z');
  });

  it('takes a date or a date-time, UTC when it names a zone, and gives the ISO time the events table compares with', () => {
    expect(parseSince('2026-11-27T08:00:00Z')).toBe('2026-11-27T08:00:00.000Z');
    expect(parseSince('2026-11-27T08:00+02:00')).toBe('2026-11-27T06:00:00.000Z');
    expect(parseSince('2026-11-27')).toBe('2026-11-27T00:00:00.000Z');
  });

  it('refuses a day the month does not have instead of reading 2026-02-30 as March 2', () => {
    for (const bad of ['2026-02-30', '2026-04-31', '2026-02-29T08:00']) expect(() => parseSince(bad, now), bad).toThrow(/--since must be a date or time/);
    expect(parseSince('2028-02-29')).toBe('2028-02-29T00:00:00.000Z');
  });

  it('refuses anything else, saying what it takes', () => {
    for (const bad of ['yesterday', '8 hours', '2026-13-45', '']) expect(() => parseSince(bad, now)).toThrow(/--since must be a date or time/);
  });
});
