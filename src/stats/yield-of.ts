/** What a yield is taken over: finished units (devices or insertions) that passed and that failed. */
export interface YieldCounts {
  passed: number;
  failed: number;
}

/**
 * The project's one yield: passed / attempted, where attempted = passed + failed (devices for a lot's or chip's
 * final yield, insertions for a site's, programmer's or adapter's); null when nothing finished.
 */
export function yieldOf(c: YieldCounts): number | null {
  const attempted = c.passed + c.failed;
  return attempted === 0 ? null : c.passed / attempted;
}

/** The same yield from passed and attempted units (attempted = passed + failed). */
export function yieldOfAttempted(passed: number, attempted: number): number | null {
  return yieldOf({ passed, failed: attempted - passed });
}

/** First-pass yield: the share of finished units that passed at their first insertion; null when none finished. */
export function firstPassYieldOf(c: { firstPassed: number; finished: number }): number | null {
  return yieldOfAttempted(c.firstPassed, c.finished);
}

/** A yield as a percentage with one decimal (`97.5`), or `-` without one. */
export function yieldPercent(y: number | null): string {
  return y === null ? '-' : (y * 100).toFixed(1);
}
