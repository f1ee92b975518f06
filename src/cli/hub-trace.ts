import type { Command } from 'commander';
import { JobError } from '../errors.js';
import type { Hub } from '../hub/connection.js';
import { hubDevicesOfSerial, hubLedgerOfDevice, hubLedgerOfValue, hubTraceAttempts, hubTraceDevices, type HubTraceAttempt, type HubTraceDevice } from '../hub/store/trace.js';
import { parseDeviceRef, positionsOf, tracedDevice, tracedValue, type Traced, type TracedValue } from '../report/trace.js';
import { withHub } from './hub-context.js';

/** A device as the hub traces it: the station trace's fields, plus the station that uploaded it and how (late, kept apart). */
export type HubTracedDevice = Traced<HubTraceDevice, HubTraceAttempt>;

/** The answer of `trace --hub`: the shape of the station's trace, over every station. */
export interface HubTraceResult {
  query: { serial?: string; device?: string };
  devices: HubTracedDevice[];
  unheld: TracedValue[];
}

async function devicesAt(hub: Hub, lot: string, reel: string, seq: number): Promise<HubTracedDevice[]> {
  const out: HubTracedDevice[] = [];
  for (const d of await hubTraceDevices(hub, lot, reel, seq)) {
    const attempts = await hubTraceAttempts(hub, lot, reel, seq, d.station);
    out.push(tracedDevice(d, await hubLedgerOfDevice(hub, lot, reel, seq, d.station), attempts));
  }
  return out;
}

/** `trace SERIAL --hub` / `trace --device LOT:REEL:SEQ --hub`: a value's or a device's history over every station. */
export async function hubTrace(cmd: Command, q: { serial?: string; device?: string }): Promise<HubTraceResult> {
  return withHub(cmd, async (hub) => {
    if (q.device !== undefined) {
      const { lot, reel, seq } = parseDeviceRef(q.device);
      const devices = await devicesAt(hub, lot, reel, seq);
      if (devices.length === 0) throw new JobError('trace-not-found', `no device ${lot}:${reel}:${seq} on the hub: the lot, the reel or that position does not exist`);
      return { query: { device: q.device }, devices, unheld: [] };
    }
    const serial = q.serial!;
    const ledger = await hubLedgerOfValue(hub, serial);
    const devices: HubTracedDevice[] = [];
    for (const k of positionsOf(ledger, await hubDevicesOfSerial(hub, serial))) devices.push(...(await devicesAt(hub, k.lot, k.reel, k.seq)).filter((d) => d.serial === serial || d.serials.some((v) => v.value === serial) || d.attempts.some((a) => a.serial === serial)));
    const unheld = ledger.filter((r) => r.lot === null).map(tracedValue);
    if (devices.length === 0 && unheld.length === 0) throw new JobError('trace-not-found', `serial ${serial} was never issued or written on the hub; check the value (it is matched exactly)`);
    return { query: { serial }, devices, unheld };
  });
}
