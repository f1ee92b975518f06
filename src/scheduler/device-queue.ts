import type { Db } from '../db/open.js';
import type { DeviceRef } from './events.js';
import { forEachFinishedDevice, queueReels, unfinishedDevices } from '../store/devices.js';
import { DeviceSet } from '../lots/device-set.js';

/** A device waiting for a site: fresh, or a retry that must avoid the site of its failed attempt. */
export interface QueuedDevice {
  ref: DeviceRef;
  /** Number of the insertion it will make (1 = first insertion; interrupted insertions count). */
  attempt: number;
  /** Finished attempts of the device that failed (a retry is allowed only after none). @default 0 */
  failures?: number;
  /** `programmerId:site` it must not go back to. */
  avoid?: string;
}

/** Failure codes that can be the socket's, so the device is retried once on another site. */
export const SOCKET_FAILURES: ReadonlySet<string> = new Set(['bad-contact', 'verify-failed']);

/**
 * The devices of a lot still to program, derived from reels, devices and attempts (nothing stored in memory
 * survives a crash, so resume is this same derivation): retries first, then devices an earlier holder of a hub reel
 * left behind, then fresh devices in reel order.
 */
export class DeviceQueue {
  private readonly retries: QueuedDevice[] = [];
  /** Devices below a reel's first seq that this station programs as well (left behind by an earlier holder). */
  private readonly owed: QueuedDevice[] = [];
  private readonly reels: { reel: string; quantity: number; first: number }[];
  private reelIndex = 0;
  private seq = 0;
  private readonly finished = new DeviceSet();
  private readonly started = new DeviceSet();

  constructor(db: Db, private readonly lot: string, leftBehind: { reel: string; seq: number }[] = []) {
    this.reels = queueReels(db, lot);
    const inScope = new Set(this.reels.map((r) => r.reel));
    forEachFinishedDevice(db, lot, (reel, seq) => this.finished.add(reel, seq));
    // Attempts without a device row: a failed first attempt whose retry never ran, or insertions interrupted by the
    // end of a run (closed as 'interrupted' before the queue is derived): the device goes in again, first.
    const open = unfinishedDevices(db, lot);
    for (const o of open) {
      if (!inScope.has(o.reel)) continue;
      this.started.add(o.reel, o.seq);
      this.retries.push({ ref: { lot, reel: o.reel, seq: o.seq }, attempt: o.attempt + 1, failures: o.failures, avoid: o.avoid ?? undefined });
    }
    for (const d of leftBehind) {
      if (!inScope.has(d.reel) || this.finished.has(d.reel, d.seq) || this.started.has(d.reel, d.seq)) continue;
      this.started.add(d.reel, d.seq);
      this.owed.push({ ref: { lot, reel: d.reel, seq: d.seq }, attempt: 1 });
    }
  }

  /** Puts a device back for a retry on another site. */
  retry(d: QueuedDevice): void {
    this.retries.push(d);
  }

  /** Puts devices that never ran (their cycle was lost) back at the front, same attempt number. */
  requeue(ds: QueuedDevice[]): void {
    this.retries.unshift(...ds);
  }

  /** Takes the next device allowed on `siteKey`, or undefined when none is left for it. */
  take(siteKey: string): QueuedDevice | undefined {
    const i = this.retries.findIndex((r) => r.avoid !== siteKey);
    if (i >= 0) return this.retries.splice(i, 1)[0];
    return this.owed.shift() ?? this.nextFresh();
  }

  /** True when nothing is left to take for any site. */
  get empty(): boolean {
    if (this.retries.length > 0 || this.owed.length > 0) return false;
    const save = [this.reelIndex, this.seq];
    const next = this.nextFresh();
    if (next) {
      [this.reelIndex, this.seq] = save;
      return false;
    }
    return true;
  }

  /** Retries waiting that can only go to sites other than the ones they failed on. */
  get pendingRetries(): number {
    return this.retries.length;
  }

  private nextFresh(): QueuedDevice | undefined {
    while (this.reelIndex < this.reels.length) {
      const r = this.reels[this.reelIndex];
      if (this.seq < r.first - 1) this.seq = r.first - 1;
      if (this.seq >= r.quantity) {
        this.reelIndex++;
        this.seq = 0;
        continue;
      }
      this.seq++;
      if (this.finished.has(r.reel, this.seq) || this.started.has(r.reel, this.seq)) continue;
      return { ref: { lot: this.lot, reel: r.reel, seq: this.seq }, attempt: 1 };
    }
    return undefined;
  }
}
