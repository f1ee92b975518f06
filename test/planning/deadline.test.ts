import { describe, expect, it } from 'vitest';
import { parseDeadlineDay, workingSecondsUntil } from '../../src/planning/deadline.js';

// Monday 2 March 2026, 20:00 local time.
const now = new Date(2026, 2, 2, 20, 0, 0);

describe('deadlines', () => {
  it('a weekday name means its next occurrence, today included', () => {
    expect(parseDeadlineDay('friday', now)).toEqual(new Date(2026, 2, 6));
    expect(parseDeadlineDay('Mon', now)).toEqual(new Date(2026, 2, 2));
    expect(parseDeadlineDay('2026-03-10', now)).toEqual(new Date(2026, 2, 10));
  });

  it('a malformed or impossible date is a usage error', () => {
    expect(() => parseDeadlineDay('2026-02-30', now)).toThrow(/YYYY-MM-DD/);
    expect(() => parseDeadlineDay('someday', now)).toThrow(/YYYY-MM-DD/);
  });

  it('working time counts what is left of today capped at the shift, then a full shift per later day', () => {
    // 20:00 Monday: 4 h left today; to the end of Friday at 24 h/day: 4 + 4 × 24 = 100 h.
    expect(workingSecondsUntil(new Date(2026, 2, 6), now, 24)).toBe(100 * 3600);
    // At 16 h/day: min(16, 4) + 4 × 16 = 68 h.
    expect(workingSecondsUntil(new Date(2026, 2, 6), now, 16)).toBe(68 * 3600);
    // A day already past gives nothing.
    expect(workingSecondsUntil(new Date(2026, 2, 1), now, 24)).toBe(0);
  });
});
