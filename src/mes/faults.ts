// The life of a CFX fault (IPC CFX SDK: CFX/ResourcePerformance/FaultOccurred.cs, FaultAcknowledged.cs,
// FaultCleared.cs): FaultOccurred names a FaultOccurrenceId; FaultAcknowledged (an operator saw it, not yet mended)
// and FaultCleared (the condition is gone) name the same id. gangflash's faults are its alarm events, so the id is
// derived from the station's handle and the event's row: whoever acknowledges or clears it later, in another
// process, finds the same id without storing it anywhere.
import { createHash } from 'node:crypto';

/** RFC 4122 namespace of gangflash's name-based fault ids (a fixed random UUID). */
const FAULT_NAMESPACE = Buffer.from('872b84b7ceb7456ea05f38a6b614d3c1', 'hex');

/** The FaultOccurrenceId of alarm event `eventId` at station `handle`: a name-based UUID (version 5, SHA-1). */
export function faultOccurrenceId(handle: string, eventId: number): string {
  const h = createHash('sha1').update(FAULT_NAMESPACE).update(`${handle}/events/${eventId}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** Alarms that describe a lasting state of a site or adapter: they stay open after the run, until an operator's act. */
export const LASTING_FAULTS: ReadonlySet<string> = new Set(['site-disabled', 'adapter-life']);

/** A CFX Operator structure for who acted (the name gangflash records), or null when unknown. */
function operator(by: string | null) {
  return by ? { OperatorIdentifier: by, ActorType: 'Human', LoginName: by } : null;
}

/** FaultAcknowledged: an operator acted on the fault but its cause may remain (an adapter allowed past its life). */
export function faultAcknowledged(id: string, by: string | null) {
  return { FaultOccurrenceId: id, Operator: operator(by) };
}

/** FaultCleared: the fault's condition is gone (a site enabled again, a socket replaced, the run that raised it ended). */
export function faultCleared(id: string) {
  return { FaultOccurrenceId: id };
}
