import type { FarmSpec } from './schema.js';

/** Options of the default simulated farm. */
export interface DefaultSimFarmOptions {
  /** Number of programmers. @default 4 */
  programmers?: number;
  /** Sites per programmer (1..16). @default 8 */
  sites?: number;
  /** Seed of every simulated fault; programmer k uses seed + k. @default 1 */
  seed?: number;
  /** Simulation speed (1 = real time, 'unlimited' = no sleeping). @default 1 */
  speed?: number | 'unlimited';
  /** Extra sim options merged into every programmer's options. @default {} */
  options?: Record<string, unknown>;
}

/** The demo's farm: N `sim-gang` programmers `sim-1`…, with adapters `SIM-k-s` on every site. */
export function defaultSimFarm(o: DefaultSimFarmOptions = {}): FarmSpec {
  const n = o.programmers ?? 4;
  const sites = o.sites ?? 8;
  const seed = o.seed ?? 1;
  return {
    programmers: Array.from({ length: n }, (_, k) => ({
      name: `sim-${k + 1}`,
      driver: 'sim',
      model: 'sim-gang',
      serial: `SIM-${String(k + 1).padStart(4, '0')}`,
      sites,
      adapters: Array.from({ length: sites }, (_, s) => `SIM-${k + 1}-${s}`),
      options: { seed: seed + k, speed: o.speed ?? 1, ...(o.options ?? {}) },
    })),
  };
}
