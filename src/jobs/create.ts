import type { Db } from '../db/open.js';
import { JobError } from '../errors.js';
import { buildJobSpec, type JobImages } from './build-spec.js';
import { getChip } from '../catalog/chips.js';
import { fileIdentity } from '../images/file-identity.js';
import { pinImage, type ImagePin } from './image-pin.js';
import { jobImages, recordImageCheck } from './check-images.js';
import type { CreateJobOptions } from './options.js';
import { specJson, type Job } from './spec.js';
import { getJob } from './store.js';
import { ruleWrites } from '../serials/rules.js';
import { SerialStore } from '../store/serial-ledger.js';
import { imageLimit } from './image-limit.js';
import { atomicallyNow } from '../store/atomic.js';
import { insertImage, insertJob, newestJob, updateJob } from '../store/jobs.js';

/** What `createJob` did. */
export type CreateOutcome =
  /** A new job name, version 1. */
  | 'created'
  /** The newest version was not used by any lot, so it was changed in place. */
  | 'updated'
  /** The newest version is frozen (a lot uses it), so a new version was made. */
  | 'new-version'
  /** The newest version already has exactly this spec: nothing was written. */
  | 'unchanged';

/** The job after `createJob`, and what happened. */
export interface CreateJobResult {
  job: Job;
  outcome: CreateOutcome;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._\-]*$/;

/**
 * Creates (or versions) a job: checks the chip, pins every image by SHA-256, validates the layout, then writes the
 * `images` and `jobs` rows in one transaction. A job a lot uses is frozen: a changed spec makes version max+1; an
 * identical spec returns the existing job.
 */
export async function createJob(db: Db, opts: CreateJobOptions): Promise<CreateJobResult> {
  if (!NAME.test(opts.name)) {
    throw new JobError('job-name-invalid', `job name "${opts.name}" must start with a letter or digit and hold only letters, digits, dot, dash, underscore`);
  }
  const chip = getChip(db, opts.chip);
  const fill = opts.fill ?? 0xff;
  if (!Number.isInteger(fill) || fill < 0 || fill > 255) throw new JobError('fill-invalid', `fill value ${fill} is not a byte (0..255)`);
  // each image is read once here; a file not written meanwhile needs no second read before the first run
  const identities = new Map<ImagePin, string>();
  const pin = async (file: string): Promise<ImagePin> => {
    const before = fileIdentity(file);
    const p = await pinImage(file, fill, imageLimit(chip));
    if (fileIdentity(p.path) === before) identities.set(p, before);
    return p;
  };
  const images: JobImages = { image: await pin(opts.image) };
  if (opts.emmcBoot1 !== undefined) images.boot1 = await pin(opts.emmcBoot1);
  if (opts.emmcBoot2 !== undefined) images.boot2 = await pin(opts.emmcBoot2);
  const rule = opts.serialRule === undefined ? undefined : ruleWrites(db, opts.serialRule);
  const spec = buildJobSpec(chip, opts, images, rule?.writes);
  const json = specJson(spec);

  return atomicallyNow(db, (): CreateJobResult => {
    for (const p of jobImages(spec)) {
      insertImage(db, p);
      const identity = identities.get(p);
      if (identity !== undefined) recordImageCheck(db, p, fill, identity);
    }
    const latest = newestJob(db, opts.name);
    const attach = (id: number) => {
      if (rule) new SerialStore(db).attachJob(id, rule.ruleId);
    };
    if (latest && latest.spec === json) return { job: getJob(db, `#${latest.id}`), outcome: 'unchanged' };
    const frozen = latest !== undefined && latest.frozen;
    if (latest && !frozen) {
      updateJob(db, latest.id, { chip: spec.chip, imageSha256: spec.image.sha256, spec: json });
      new SerialStore(db).detachJob(latest.id);
      attach(latest.id);
      return { job: getJob(db, `#${latest.id}`), outcome: 'updated' };
    }
    const version = (latest?.version ?? 0) + 1;
    const id = insertJob(db, { name: opts.name, version, chip: spec.chip, imageSha256: spec.image.sha256, spec: json });
    attach(id);
    return { job: getJob(db, `#${id}`), outcome: latest ? 'new-version' : 'created' };
  });
}
