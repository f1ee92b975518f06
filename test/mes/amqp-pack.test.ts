import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PACK, packEnvelopes, packSize } from '../../src/mes/amqp-pack.js';
import { wireOf, type WireEnvelope } from '../../src/mes/envelope.js';

const NAMES = ['CFX.Production.Processing.UnitsProcessed', 'CFX.Production.Assembly.UnitsPersonalized', 'CFX.Production.UnitsDisqualified'];

/** A batch of envelopes with the given names and body sizes, UniqueIDs in order. */
function batch(items: { name: number; pad: number }[]): WireEnvelope[] {
  return items.map((it, i) =>
    wireOf({ messageName: NAMES[it.name], timeStamp: '2026-11-27T02:53:37.081Z', uniqueId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, body: JSON.stringify({ Pad: 'x'.repeat(it.pad) }) }, 'Acme.Line3.Prog-07', null),
  );
}

describe('packing envelopes into AMQP messages', () => {
  it('every envelope is in exactly one message, with envelopes of its own name only, in outbox order, within the count and size limits', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ name: fc.integer({ min: 0, max: 2 }), pad: fc.integer({ min: 0, max: 3000 }) }), { maxLength: 300 }), fc.integer({ min: 1, max: 60 }), (items, max) => {
        const envs = batch(items);
        const packs = packEnvelopes(envs, max, 16_384);
        const seen = packs.flatMap((p) => p.rows);
        expect([...seen].sort((a, b) => a - b)).toEqual(envs.map((_, i) => i));
        for (const p of packs) {
          expect(p.rows.length).toBeLessThanOrEqual(max);
          expect(p.rows).toEqual([...p.rows].sort((a, b) => a - b));
          expect(new Set(p.rows.map((i) => envs[i].MessageName)).size).toBe(1);
          if (p.rows.length > 1) expect(p.body.length).toBeLessThanOrEqual(16_384 + 2);
          const parsed = JSON.parse(p.body) as unknown;
          const list = Array.isArray(parsed) ? parsed : [parsed];
          expect(list).toEqual(p.rows.map((i) => JSON.parse(envs[i].text)));
        }
        // Messages leave in the order of their first envelope.
        expect(packs.map((p) => p.rows[0])).toEqual([...packs.map((p) => p.rows[0])].sort((a, b) => a - b));
      }),
    );
  });

  it('a pack of one sends the envelope itself, never a one-element array', () => {
    const envs = batch([{ name: 0, pad: 1 }, { name: 0, pad: 2 }]);
    expect(packEnvelopes(envs, 1).map((p) => p.body)).toEqual(envs.map((e) => e.text));
  });

  it('GANGFLASH_MES_PACK sets the pack size; a value out of 1..1000 keeps the default', () => {
    expect(packSize({ GANGFLASH_MES_PACK: '1' })).toBe(1);
    expect(packSize({ GANGFLASH_MES_PACK: '200' })).toBe(200);
    for (const bad of ['0', '1001', 'x', '-3', '']) expect(packSize({ GANGFLASH_MES_PACK: bad })).toBe(DEFAULT_PACK);
    expect(packSize({})).toBe(DEFAULT_PACK);
  });
});
