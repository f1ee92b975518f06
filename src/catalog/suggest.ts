/** Levenshtein distance between two strings. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  const cur = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur.slice();
  }
  return prev[b.length];
}

/** The names nearest to `query`: substring matches first, then by edit distance (case-insensitive). */
export function nearest(query: string, names: readonly string[], max = 5): string[] {
  const q = query.toUpperCase();
  const scored = names.map((name) => {
    const n = name.toUpperCase();
    const sub = n.includes(q) || q.includes(n);
    // Compare against the same-length prefix too, so a truncated part number still finds its family.
    const d = Math.min(editDistance(q, n), editDistance(q, n.slice(0, q.length)) + 1);
    return { name, score: (sub ? 0 : 1000) + d };
  });
  const limit = Math.max(3, Math.ceil(q.length / 2));
  return scored
    .filter((s) => s.score < 1000 || s.score - 1000 <= limit)
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, max)
    .map((s) => s.name);
}
