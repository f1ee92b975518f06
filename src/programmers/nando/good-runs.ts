/** A run of consecutive good blocks: [first, first + count). */
export interface BlockRun {
  first: number;
  count: number;
}

/** The runs of good blocks of a `blocks`-block device with these bad blocks, in order. */
export function goodRuns(blocks: number, bad: Iterable<number>): BlockRun[] {
  const skip = new Set(bad);
  const runs: BlockRun[] = [];
  for (let b = 0; b < blocks; b++) {
    if (skip.has(b)) continue;
    const last = runs[runs.length - 1];
    if (last && last.first + last.count === b) last.count++;
    else runs.push({ first: b, count: 1 });
  }
  return runs;
}

/** Consecutive rows grouped into runs (first row, count), keeping their order. */
export function rowRuns(rows: Iterable<number>): { first: number; count: number }[] {
  const runs: { first: number; count: number }[] = [];
  for (const r of rows) {
    const last = runs[runs.length - 1];
    if (last && last.first + last.count === r) last.count++;
    else runs.push({ first: r, count: 1 });
  }
  return runs;
}
