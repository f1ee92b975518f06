import fc from 'fast-check';

/** Any one insertion's UnitsProcessed fields: names with quotes and unicode, failures, odd durations (NaN too). */
export const insertionFields = {
  unit: fc.string(),
  programmer: fc.string(),
  site: fc.nat(1000),
  adapter: fc.option(fc.string()),
  attempt: fc.integer({ min: 1, max: 9 }),
  durationSeconds: fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constant(Number.NaN)),
  badBlocks: fc.nat(),
  failureCode: fc.option(fc.string()),
  stage: fc.option(fc.string()),
};
