import { randomUUID } from 'node:crypto';
import type { Db } from '../db/open.js';
import { OutboxStore } from '../store/outbox.js';
import { faultAcknowledged, faultCleared, faultOccurrenceId } from './faults.js';
import { socketCounters } from './maintenance.js';
import { CFX, type CfxMessageName } from './messages.js';

/**
 * The CFX messages of an operator's act outside a run, written to the outbox in the act's own transaction (call
 * inside it, before the act's audit event is written): the faults it acknowledges or clears, the counters it resets.
 * Nothing is written while MES is not set up.
 */
export class OperatorActs {
  private readonly store: OutboxStore;
  private readonly handle: string | null;

  constructor(db: Db) {
    this.store = new OutboxStore(db);
    const c = this.store.config();
    this.handle = c && c.enabled ? c.handle : null;
  }

  private add(name: CfxMessageName, at: string, body: unknown): void {
    this.store.add(randomUUID(), name, at, null, JSON.stringify(body));
  }

  /** A site enabled again by `by`: its site-disabled faults are acknowledged by them, and cleared. */
  siteEnabled(programmerId: number, site: number, by: string | null, at = new Date().toISOString()): void {
    const handle = this.handle;
    if (handle === null) return;
    for (const e of this.store.openSiteFaults('site-disabled', programmerId, site)) {
      const id = faultOccurrenceId(handle, e);
      this.add(CFX.faultAcknowledged, at, faultAcknowledged(id, by));
      this.add(CFX.faultCleared, at, faultCleared(id));
    }
  }

  /** An adapter allowed past its rated life by `by`: its adapter-life faults are acknowledged (the wear remains). */
  lifeOverridden(adapterId: number, by: string | null, at = new Date().toISOString()): void {
    const handle = this.handle;
    if (handle === null) return;
    for (const e of this.store.openAdapterFaults('adapter-life', adapterId)) this.add(CFX.faultAcknowledged, at, faultAcknowledged(faultOccurrenceId(handle, e), by));
  }

  /** An adapter's socket replaced (call after its row is updated): its adapter-life faults clear and its counter restarts at 0. */
  socketReplaced(adapterId: number, at = new Date().toISOString()): void {
    const handle = this.handle;
    if (handle === null) return;
    for (const e of this.store.openAdapterFaults('adapter-life', adapterId)) this.add(CFX.faultCleared, at, faultCleared(faultOccurrenceId(handle, e)));
    const a = this.store.adapterSocket(adapterId);
    if (a) this.add(CFX.maintenance, at, socketCounters(handle, at, [{ ...a, insertions: 0, socketSince: a.socketSince ?? at }]));
  }
}
