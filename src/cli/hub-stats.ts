import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { hubAttemptTotals, hubDeviceTotals, hubFailureTotals, hubLotIds } from '../hub/store/yield-totals.js';
import { yieldFrom, type YieldBy, type YieldReport } from '../stats/yield.js';
import { withHub } from './hub-context.js';

/** `stats yield --hub`: the yield report over every station's uploads, computed as a station computes its own. */
export async function hubYieldReport(cmd: Command, by: YieldBy, lot?: string): Promise<YieldReport> {
  const t = await withHub(cmd, async (hub) => {
    if (lot !== undefined && (await hubLotIds(hub, lot)).length === 0) {
      const known = await hubLotIds(hub);
      throw new UsageError('unknown-lot', `no lot "${lot}" on the hub${known.length ? ` (lots: ${known.slice(0, 10).join(', ')})` : ''}; publish it with \`gangflash hub publish --lot ${lot} --hub\``);
    }
    const all = await hubDeviceTotals(hub, 'all', lot);
    const devices = by === 'lot' || by === 'chip' ? await hubDeviceTotals(hub, by, lot) : [];
    const attempts = by === 'programmer' || by === 'site' || by === 'adapter' ? await hubAttemptTotals(hub, by, lot) : [];
    return { all, devices, attempts, failures: await hubFailureTotals(hub, lot) };
  });
  return yieldFrom({ devices: (k) => (k === 'all' ? t.all : t.devices), attempts: () => t.attempts, failures: () => t.failures }, by, lot);
}
