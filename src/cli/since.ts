import { UsageError } from '../errors.js';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * Parses a --since value into an ISO-8601 UTC time: a date or date-time (`2026-11-27`, `2026-11-27T08:00`,
 * `2026-11-27T08:00:00Z`), or an age back from `now` (`30m`, `8h`, `2d`, `1w`).
 */
export function parseSince(v: string, now = Date.now()): string {
  const age = /^(\d+)\s*([mhdw])$/.exec(v.trim());
  const t = age
    ? now - Number(age[1]) * UNIT_MS[age[2]]
    : /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v.trim()) ? Date.parse(v.trim().replace(' ', 'T')) : NaN;
  // A day the month does not have (2026-02-30) is refused, not read as a day of the next month.
  const [y, mo, d] = v.trim().slice(0, 10).split('-').map(Number);
  const noSuchDay = !age && new Date(Date.UTC(y, mo - 1, d)).getUTCDate() !== d;
  // An age too long for a date (99999999999d) is refused like any other unreadable value, never a RangeError.
  if (noSuchDay || Number.isNaN(new Date(t).getTime())) throw new UsageError('bad-option', `--since must be a date or time such as 2026-11-27 or 2026-11-27T08:00, or an age such as 30m, 8h, 2d (got "${v}")`);
  return new Date(t).toISOString();
}
