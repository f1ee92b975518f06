import { openHub, type Hub } from '../../src/hub/connection.js';
import { migrateHub } from '../../src/hub/migrations.js';
import { addLot, releaseJob } from '../../src/hub/store/production.js';
import { registerStation } from '../../src/hub/store/stations.js';
import { putRule } from '../../src/hub/store/serial-blocks.js';

/** A SHA-256 that stands for a released image in hub tests (the hub stores the hash, never the image). */
export const IMAGE_SHA = 'ab'.repeat(32);

/** A migrated hub with one released job (and its serial rule), a lot of `reels` reels × `quantity`, and stations. */
export async function hubWithLot(url: string, o: { lot?: string; reels?: number; quantity?: number; stations?: string[]; ruleCapacity?: bigint | null } = {}): Promise<Hub> {
  const hub = openHub(url, { max: 8 });
  await migrateHub(hub);
  const lot = o.lot ?? 'LOT-H';
  await putRule(hub, 'SN-RULE', { name: 'SN-RULE', fields: [{ name: 'sn', format: 'SN{n:06}' }] }, o.ruleCapacity === undefined ? 1_000_000n : o.ruleCapacity);
  await releaseJob(hub, { name: 'JOB', version: 1, chip: 'CHIP-X', image: { sha256: IMAGE_SHA, format: 'raw', size: 4096 }, manifest: { ops: ['program', 'verify'], serial: 'SN-RULE' }, releasedBy: 'test' });
  const reels = Array.from({ length: o.reels ?? 4 }, (_, i) => ({ reelId: `RE-${String(i + 1).padStart(2, '0')}`, part: 'CHIP-X', quantity: o.quantity ?? 10, dateCode: '2631' }));
  await addLot(hub, lot, { name: 'JOB', version: 1 }, reels);
  for (const s of o.stations ?? ['S1', 'S2']) await registerStation(hub, { name: s, journalId: `journal-of-${s}`, host: 'test-host', pid: 1 });
  return hub;
}
