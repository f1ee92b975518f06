import { randomUUID } from 'node:crypto';
import type { MesConfigRow } from '../store/outbox.js';
import { wireOf } from './envelope.js';
import { CFX } from './messages.js';
import { sinkOf } from './settings.js';

/** Sends one AreYouThereRequest (outside the outbox) and reports whether the sink accepted it and how fast. */
export async function probeSink(c: MesConfigRow): Promise<{ ok: boolean; ms: number; sink: string; uniqueId: string; error?: string }> {
  const sink = sinkOf(c);
  const e = wireOf({ messageName: CFX.areYouThere, timeStamp: new Date().toISOString(), uniqueId: randomUUID(), body: JSON.stringify({ CFXHandle: c.target ?? '' }) }, c.handle, c.target);
  const t0 = performance.now();
  try {
    const n = await sink.send([e]);
    return { ok: n === 1, ms: Math.round(performance.now() - t0), sink: sink.describe, uniqueId: e.UniqueID };
  } catch (err) {
    return { ok: false, ms: Math.round(performance.now() - t0), sink: sink.describe, uniqueId: e.UniqueID, error: (err as Error).message };
  } finally {
    await sink.close();
  }
}
