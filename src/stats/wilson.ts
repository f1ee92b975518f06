/** A Wilson score interval for a share `passed / n` (z = 1.96, 95 %). */
export interface Interval {
  low: number;
  high: number;
}

/** The Wilson score interval of `passed` successes in `n` trials; [0, 1] when n is 0. */
export function wilson(passed: number, n: number, z = 1.96): Interval {
  if (n === 0) return { low: 0, high: 1 };
  const p = passed / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}
