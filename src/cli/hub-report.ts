import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { hubAttemptSummary, hubFailureCodes, hubFinishBuckets, hubFinishSpan, hubLotCounts, hubLotDevices, hubRecentLots, hubSiteAttempts, type HubDeviceRow } from '../hub/store/lot-report.js';
import { countersOf, hubLotStatus } from '../lots/counters.js';
import { documentChunksAsync } from '../report/chunked.js';
import { csvDocument } from '../report/csv.js';
import { DEVICE_COLUMNS, ORIGIN_COLUMNS } from '../report/device-rows.js';
import { lotHtmlDocument } from '../report/html.js';
import { lotJsonDocument } from '../report/json.js';
import { lotReportFrom, timelineBuckets } from '../report/lot-report.js';
import { withHub } from './hub-context.js';

/**
 * `report lot L --hub`: the lot report over every station's uploads, in the station report's formats (the same
 * documents, from the same aggregates), its device rows read through a cursor in one snapshot of the hub while `write`
 * writes them out; rows a fenced holder uploaded late or kept apart are marked (CSV and JSON: station, epoch, late,
 * conflict). Returns how many device rows were written.
 */
export async function hubLotReport(cmd: Command, lot: string, format: 'html' | 'csv' | 'json', write: (chunks: AsyncIterable<string>) => Promise<void>): Promise<number> {
  let rows = 0;
  await withHub(cmd, (hub) =>
    hub.snapshot(async (c) => {
      const counts = await hubLotCounts(c, lot);
      if (!counts) {
        const known = await hubRecentLots(c);
        throw new UsageError('unknown-lot', `no lot "${lot}" on the hub${known.length ? ` (lots: ${known.join(', ')})` : ''}; publish it with \`gangflash hub publish --lot ${lot} --hub\``);
      }
      const { held, done, ...rest } = counts;
      const counters = countersOf({ ...rest, status: hubLotStatus({ total: counts.reels, held, done }) });
      const devices = (async function* () {
        for await (const batch of hubLotDevices(c, lot)) {
          rows += batch.length;
          yield batch;
        }
      })();
      if (format === 'csv') return write(documentChunksAsync(csvDocument<HubDeviceRow>([...DEVICE_COLUMNS, ...ORIGIN_COLUMNS]), devices));
      const span = await hubFinishSpan(c, lot);
      const at = timelineBuckets(span);
      const report = lotReportFrom({
        counters, span, attempts: await hubAttemptSummary(c, lot), sites: await hubSiteAttempts(c, lot), codes: await hubFailureCodes(c, lot),
        buckets: at ? await hubFinishBuckets(c, lot, at.t0, at.step) : [],
      });
      return write(documentChunksAsync(format === 'html' ? lotHtmlDocument(report) : lotJsonDocument(report), devices));
    }),
  );
  return rows;
}
