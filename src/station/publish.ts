import type { Hub } from '../hub/connection.js';
import { HubError } from '../errors.js';
import { addLot, releaseJob } from '../hub/store/production.js';
import { putRule } from '../hub/store/serial-blocks.js';
import type { LotJob } from '../scheduler/lot-job.js';

/** What `hub publish` put on the hub. */
export interface Published {
  lot: string;
  job: string;
  jobId: number;
  imageSha256: string;
  serialRule: string | null;
  reels: number;
  devices: number;
}

/**
 * Puts a station's lot on the hub: its released job version (manifest + image SHA-256), the job's serial rule, and
 * the lot with its reels. Idempotent; a job version or rule the hub has with other content is refused.
 */
export async function publishLot(hub: Hub, lot: string, lj: LotJob, reels: { reel: string; part: string; quantity: number; dateCode: string }[], by: string): Promise<Published> {
  if (!lj.job.release) throw new HubError('job-not-released', `job ${lj.job.name} v${lj.job.version} of lot ${lot} is not released on this station: run \`gangflash job release ${lj.job.name}\` first (a hub runs released versions only)`);
  const spec = lj.job.spec;
  const rule = lj.serial?.definition ?? null;
  if (rule) await putRule(hub, rule.name, JSON.parse(rule.spec), rule.capacity);
  const manifest = { ...spec, serialRule: rule?.name ?? null };
  const jobId = await releaseJob(hub, { name: lj.job.name, version: lj.job.version, chip: lj.job.chip, image: { sha256: spec.image.sha256, format: spec.image.format, size: spec.image.size }, manifest, releasedBy: lj.job.release.by ?? by });
  await addLot(hub, lot, { name: lj.job.name, version: lj.job.version }, reels.map((r) => ({ reelId: r.reel, part: r.part, quantity: r.quantity, dateCode: r.dateCode })));
  return { lot, job: `${lj.job.name}@${lj.job.version}`, jobId, imageSha256: spec.image.sha256, serialRule: rule?.name ?? null, reels: reels.length, devices: reels.reduce((n, r) => n + r.quantity, 0) };
}
