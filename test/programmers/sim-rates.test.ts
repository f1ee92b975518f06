import { describe, expect, it } from 'vitest';
import { nandChip } from './chips.js';
import { byCode, runSimBatch, type BatchResult } from './sim-run.js';

const DEFECT_CODES = ['erase-failed', 'blank-check-failed', 'program-failed', 'verify-failed', 'too-many-bad-blocks'];

/** Within `k` binomial standard deviations of p over n trials. */
function near(observed: number, p: number, n: number, k = 4): boolean {
  return Math.abs(observed - p) <= k * Math.sqrt((p * (1 - p)) / n) + 1 / n;
}

describe('sim fault rates', () => {
  it('observed fault rates over 8,000 devices are close to the configured ones', async () => {
    const options = { seed: 11, contact: { base: 0.02, atRatedLife: 0.02 }, wrongChipRate: 0.01, defectMultiplier: 10, linkLostRate: 0.01, grownBadBlockRate: 0 };
    const res = await runSimBatch({ chip: nandChip, devices: 8000, options });
    const codes = byCode(res);
    const n = res.length;
    const contact = codes['bad-contact'] ?? 0;
    const reachedId = n - contact;
    const wrong = codes['id-mismatch'] ?? 0;
    const cycles = new Map<number, BatchResult[]>();
    for (const r of res) cycles.set(r.cycle, [...(cycles.get(r.cycle) ?? []), r]);
    const programmed = [...cycles.values()].filter((c) => c.some((r) => r.ok || ['link-lost', 'program-failed', 'verify-failed'].includes(r.failure?.code ?? '')));
    const lost = programmed.filter((c) => c.some((r) => r.failure?.code === 'link-lost'));
    const clean = [...cycles.values()].filter((c) => !c.some((r) => r.failure?.code === 'link-lost')).flat();
    const cleanIdOk = clean.filter((r) => !['bad-contact', 'id-mismatch'].includes(r.failure?.code ?? ''));
    const defective = cleanIdOk.filter((r) => DEFECT_CODES.includes(r.failure?.code ?? ''));
    const rows = [
      { fault: 'bad contact (per insertion)', configured: 0.02, observed: contact / n, n },
      { fault: 'wrong chip (per device reaching ID)', configured: 0.01, observed: wrong / reachedId, n: reachedId },
      { fault: `defective (${nandChip.defectRate} × 10, per device)`, configured: nandChip.defectRate * 10, observed: defective.length / cleanIdOk.length, n: cleanIdOk.length },
      { fault: 'link lost (per programmed cycle)', configured: 0.01, observed: lost.length / programmed.length, n: programmed.length },
    ];
    console.log(`sim fault rates, ${n} devices on ${cycles.size} cycles of 8 sites (seed 11), failures by code: ${JSON.stringify(codes)}`);
    console.table(rows.map((r) => ({ ...r, observed: Number(r.observed.toFixed(4)) })));
    for (const r of rows) expect(near(r.observed, r.configured, r.n), `${r.fault}: ${r.observed} vs ${r.configured}`).toBe(true);
  });

  it('the same seed gives identical results twice, and another seed different ones', async () => {
    const options = { seed: 7, contact: { base: 0.05, atRatedLife: 0.05 }, wrongChipRate: 0.02, defectMultiplier: 20, linkLostRate: 0.02, grownBadBlockRate: 0.001 };
    const strip = (rs: BatchResult[]) => rs.map(({ startedAt: _s, endedAt: _e, ...r }) => r);
    const a = strip(await runSimBatch({ chip: nandChip, devices: 400, options }));
    const b = strip(await runSimBatch({ chip: nandChip, devices: 400, options }));
    const c = strip(await runSimBatch({ chip: nandChip, devices: 400, options: { ...options, seed: 8 } }));
    expect(a.filter((r) => !r.ok).length).toBeGreaterThan(10);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });
});
