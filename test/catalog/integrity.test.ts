import { describe, expect, it } from 'vitest';
import type { Chip } from '../../src/catalog/chip.js';
import { readCatalogs } from '../../src/catalog/read-files.js';
import { defaultCatalogPaths } from '../../src/catalog/load.js';
import { adapterFitsChip } from '../../src/catalog/compat.js';
import { chipViolations } from '../../src/catalog/invariants.js';
import { chipKinds } from '../../src/catalog/chip.js';
import type { AdapterType } from '../../src/catalog/adapter-types.js';

const data = readCatalogs(defaultCatalogPaths);
const kinds = new Map(data.families.map((f) => [f.family, f.kinds as string[]]));
const types: AdapterType[] = data.adapterTypes;

describe('catalog integrity', () => {
  it('every shipped catalog entry passes its schema and invariants', () => {
    expect(data.chips.every((c) => chipViolations(c).length === 0)).toBe(true);
  });

  it('the chip catalog holds at least 60 parts covering all five kinds', () => {
    expect(data.chips.length).toBeGreaterThanOrEqual(60);
    expect(new Set(data.chips.map((c) => c.kind))).toEqual(new Set(chipKinds));
  });

  it('every chip names its datasheet and has a small planning defect rate', () => {
    for (const c of data.chips) {
      expect(c.source.length, c.part).toBeGreaterThan(10);
      expect(c.defectRate, c.part).toBeLessThanOrEqual(0.01);
    }
  });

  it('eMMC parts come in their real BGA153 11.5x13 and BGA169 12x16 / 14x18 bodies', () => {
    const bodies = new Set(data.chips.filter((c) => c.kind === 'emmc').map((c) => `${c.package} ${c.bodyWmm}x${c.bodyLmm}`));
    expect(bodies).toEqual(new Set(['BGA153 11.5x13', 'BGA169 12x16', 'BGA169 14x18']));
  });

  it('the adapter catalog holds at least 15 types and every type fits at least one chip', () => {
    expect(types.length).toBeGreaterThanOrEqual(15);
    for (const t of types) expect(data.chips.some((c: Chip) => adapterFitsChip(t, c, kinds)), t.id).toBe(true);
  });

  it('every chip kind is driven by at least one programmer family and every chip has an adapter', () => {
    for (const k of chipKinds) expect([...kinds.values()].some((ks) => ks.includes(k)), k).toBe(true);
    for (const c of data.chips) expect(types.some((t) => adapterFitsChip(t, c, kinds)), c.part).toBe(true);
  });

  it('USB programmer models carry their USB vendor and product ids', () => {
    const m = new Map(data.models.map((x) => [x.model, x]));
    expect([m.get('CH341A')?.vid, m.get('CH341A')?.pid]).toEqual([0x1a86, 0x5512]);
    expect([m.get('NANDO')?.vid, m.get('NANDO')?.pid]).toEqual([0x0483, 0x5740]);
  });
});
