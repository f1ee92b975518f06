import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { insertionFields } from './insertion-arbitrary.js';
import { unitsPersonalized, unitsProcessed } from '../../src/mes/messages.js';
import { unitsPersonalizedText, unitsProcessedText } from '../../src/mes/units-processed-text.js';

describe('UnitsProcessed written as text', () => {
  it('is byte for byte the JSON of the message object, for any insertion (names with quotes and unicode, failures, odd durations)', () => {
    fc.assert(
      fc.property(
        fc.record({
          transactionId: fc.uuid(),
          recipe: fc.string(),
          imageSha256: fc.stringMatching(/^[0-9a-f]{64}$/),
          ...insertionFields,
        }),
        (u) => {
          expect(unitsProcessedText(u.transactionId, u.recipe, u.imageSha256)(u)).toBe(JSON.stringify(unitsProcessed(u)));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('UnitsPersonalized as text is byte for byte the JSON of the message object, for any unit, site and fields', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.string(), fc.nat(1000), fc.array(fc.record({ name: fc.string(), text: fc.string() }), { maxLength: 5 }), (tx, unit, site, fields) => {
        expect(unitsPersonalizedText(tx)(unit, site, fields)).toBe(JSON.stringify(unitsPersonalized(tx, unit, site, fields)));
      }),
      { numRuns: 500 },
    );
  });
});
