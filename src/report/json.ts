import type { DeviceRow } from '../records/report-rows.js';
import { documentChunks, type RowDocument } from './chunked.js';
import type { LotReport } from './lot-report.js';

/**
 * The lot report as one JSON document (`{ lot, timeline, sites, pareto, devices }`, two-space indent, a final line
 * end: the same text `JSON.stringify(doc, null, 2)` gives), streamed: everything but the devices first, then one
 * piece per device row, so memory stays flat in the lot size.
 */
export function lotJsonDocument(r: LotReport): RowDocument<DeviceRow> {
  const head = JSON.stringify({ lot: r.summary, timeline: r.timeline, sites: r.heatmap, pareto: r.pareto }, null, 2);
  return {
    // The head ends with "\n}": the device array goes in as its last member, each row indented two levels.
    head: `${head.slice(0, -2)},\n  "devices": [`,
    row: (d, first) => `${first ? '' : ','}\n    ${JSON.stringify(d, null, 2).replaceAll('\n', '\n    ')}`,
    tail: (any) => (any ? '\n  ]\n}\n' : ']\n}\n'),
  };
}

/** The lot report's JSON in chunks of about `chars` characters as `devices` yields the rows. */
export function lotJsonChunks(r: LotReport, devices: Iterable<DeviceRow>, chars?: number): Generator<string> {
  return documentChunks(lotJsonDocument(r), devices, chars);
}
