import type { Command } from 'commander';
import { JobError } from '../errors.js';
import type { Hub } from '../hub/connection.js';
import { hubDevicesOfSerial, hubLedgerOfDevice, hubLedgerOfValue, hubTraceAttempts, hubTraceDevices, type HubTraceLedger } from '../hub/store/trace.js';
import { parseDeviceRef, type TracedValue } from '../report/trace.js';
import { withHub } from './hub-context.js';
import type { PrintedDevice } from './trace-output.js';

/** A device as the hub traces it: the station trace's fields, plus the station that uploaded it and how (late, kept apart). */
export type HubTracedDevice = PrintedDevice & { station: string | null; epoch: number | null; late: boolean; conflict: boolean };

/** The answer of `trace --hub`: the shape of the station's trace, over every station. */
export interface HubTraceResult {
  query: { serial?: string; device?: string };
  devices: HubTracedDevice[];
  unheld: TracedValue[];
}

// The bytes a value's fields wrote come with its upload (none for values uploaded before hub schema 3).
const value = (r: HubTraceLedger): TracedValue => ({ rule: r.rule, value: r.value, state: r.state, reason: r.reason, attempt: r.attempt, at: r.at, fields: r.fields ?? [] });

async function devicesAt(hub: Hub, lot: string, reel: string, seq: number): Promise<HubTracedDevice[]> {
  const out: HubTracedDevice[] = [];
  for (const d of await hubTraceDevices(hub, lot, reel, seq)) {
    const { jobId, jobName, jobVersion, imageSha256, ...rest } = d;
    const attempts = await hubTraceAttempts(hub, lot, reel, seq, d.station);
    out.push({
      ...rest,
      job: { id: jobId, name: jobName, version: jobVersion },
      // The image's place is each station's own (`image add`); the hub knows its SHA-256.
      image: { sha256: imageSha256, path: null },
      serials: (await hubLedgerOfDevice(hub, lot, reel, seq, d.station)).map(value),
      attempts,
    });
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
    const keys = new Map<string, { lot: string; reel: string; seq: number }>();
    for (const r of ledger) if (r.lot !== null && r.reel !== null && r.seq !== null) keys.set(`${r.lot}\u0000${r.reel}\u0000${r.seq}`, { lot: r.lot, reel: r.reel, seq: r.seq });
    for (const d of await hubDevicesOfSerial(hub, serial)) keys.set(`${d.lot}\u0000${d.reel}\u0000${d.seq}`, d);
    const devices: HubTracedDevice[] = [];
    for (const k of keys.values()) devices.push(...(await devicesAt(hub, k.lot, k.reel, k.seq)).filter((d) => d.serial === serial || d.serials.some((v) => v.value === serial) || d.attempts.some((a) => a.serial === serial)));
    const unheld = ledger.filter((r) => r.lot === null).map(value);
    if (devices.length === 0 && unheld.length === 0) throw new JobError('trace-not-found', `serial ${serial} was never issued or written on the hub; check the value (it is matched exactly)`);
    return { query: { serial }, devices, unheld };
  });
}
