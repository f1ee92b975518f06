import type { Chip } from '../../src/catalog/chip.js';
import { runCycle, type CycleOp } from '../../src/programmers/cycle.js';
import type { SiteResult } from '../../src/programmers/site-result.js';
import { createDriver } from '../../src/programmers/registry.js';
import { generateImage, type Piece } from '../contract/image-stream.js';

/** Options of a batch of simulated cycles. */
export interface SimBatch {
  chip: Chip;
  options: Record<string, unknown>;
  devices: number;
  /** Sites per programmer. @default 8 */
  sites?: number;
  /** @default all five */
  ops?: CycleOp[];
  /** @default a 4-block-ish image of data and blank */
  pieces?: Piece[];
  /** Label prefix of the devices. @default 'LOT1' */
  lot?: string;
}

/** One cycle's results, with the cycle number. */
export interface BatchResult extends SiteResult {
  cycle: number;
}

/** Runs `devices` devices through one sim programmer at unlimited speed, `sites` at a time, with runCycle. */
export async function runSimBatch(b: SimBatch): Promise<BatchResult[]> {
  const sites = b.sites ?? 8;
  const driver = createDriver({ name: 'sim-t', driver: 'sim', model: 'sim-gang', serial: 'SIM-T', sites, options: { speed: 'unlimited', ...b.options } });
  await driver.open(b.chip);
  const img = generateImage(b.pieces ?? [{ data: 20_000 }, { fill: 0xff, length: 30_000 }, { data: 9_000 }]);
  const out: BatchResult[] = [];
  for (let cycle = 0, next = 0; next < b.devices; cycle++) {
    const insertions = [];
    for (let s = 0; s < sites && next < b.devices; s++) insertions.push({ site: s, device: `${b.lot ?? 'LOT1'}/R1/${next++}` });
    const res = await runCycle(
      driver,
      { insertions, ops: b.ops ?? ['id', 'erase', 'blank', 'program', 'verify'], expectedId: b.chip.idBytes, target: { skipBlank: true }, imageBytes: img.size },
      () => img.extents(),
    );
    for (const r of res) out.push({ ...r, cycle });
  }
  await driver.close();
  return out;
}

/** Count of results per failure code ('ok' for passes). */
export function byCode(results: SiteResult[]): Record<string, number> {
  const m: Record<string, number> = {};
  for (const r of results) m[r.failure?.code ?? 'ok'] = (m[r.failure?.code ?? 'ok'] ?? 0) + 1;
  return m;
}
