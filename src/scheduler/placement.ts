import type { FarmSite } from './farm-sites.js';
import type { DeviceQueue, QueuedDevice } from './device-queue.js';

/** A device placed on a site for the next cycle. */
export interface Placed {
  site: FarmSite;
  device: QueuedDevice;
}

/** The key of a site in the queue's avoid lists and in site health: `programmerId:site`. */
export const siteKey = (s: FarmSite): string => `${s.programmerId}:${s.site}`;

/**
 * Gives every usable site the next device allowed there (a retry never returns to the site it failed on, unless
 * that is the only usable site left), grouped by programmer.
 */
export function placeDevices(live: FarmSite[], queue: DeviceQueue): Map<string, Placed[]> {
  const placed = new Map<string, Placed[]>();
  const alone = live.length === 1;
  for (const s of live) {
    const d = queue.take(alone ? '' : siteKey(s));
    if (!d) continue;
    const list = placed.get(s.programmer) ?? [];
    list.push({ site: s, device: d });
    placed.set(s.programmer, list);
  }
  return placed;
}
