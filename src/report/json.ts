import type { DeviceRow } from '../store/lot-devices.js';
import { chunked } from './chunked.js';
import type { LotReport } from './lot-report.js';

/**
 * The lot report as one JSON document (`{ lot, timeline, sites, pareto, devices }`, two-space indent, a final line
 * end: the same text `JSON.stringify(doc, null, 2)` gives) in chunks: everything but the devices first, then the
 * device array in chunks of about `chars` characters as `devices` yields the rows (memory flat in the lot size).
 */
export function* lotJsonChunks(r: LotReport, devices: Iterable<DeviceRow>, chars?: number): Generator<string> {
  const head = JSON.stringify({ lot: r.summary, timeline: r.timeline, sites: r.heatmap, pareto: r.pareto }, null, 2);
  // The head ends with "\n}": the device array goes in as its last member, each row indented two levels.
  yield `${head.slice(0, -2)},\n  "devices": [`;
  let any = false;
  yield* chunked(
    (function* () {
      for (const d of devices) {
        yield `${any ? ',' : ''}\n    ${JSON.stringify(d, null, 2).replaceAll('\n', '\n    ')}`;
        any = true;
      }
    })(),
    chars,
  );
  yield any ? '\n  ]\n}\n' : ']\n}\n';
}
