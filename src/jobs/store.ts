import type { Db } from '../db/open.js';
import { JobError } from '../errors.js';
import { parseSpecJson, type Job } from './spec.js';
import { withLocalImages } from './image-copies.js';
import { imagePaths, jobById, jobByVersion, jobRecords, jobSpecs, newestJob, type JobRecord } from '../store/jobs.js';

/** A stored job version as a Job, its images found on this station by SHA-256 (see withLocalImages). */
function toJob(db: Db, r: JobRecord): Job {
  return {
    id: r.id,
    name: r.name,
    version: r.version,
    chip: r.chip,
    imageSha256: r.imageSha256,
    spec: withLocalImages(db, parseSpecJson(r.spec, `${r.name}@${r.version}`)),
    createdAt: r.createdAt,
    frozen: r.frozen,
    release: r.releasedBy === null ? null : { by: r.releasedBy, at: r.releasedAt!, note: r.releaseNote },
  };
}

/** The job `NAME` (newest version), `NAME@V`, or `#ID`; undefined when there is none. */
export function findJob(db: Db, ref: string): Job | undefined {
  const byId = /^#(\d+)$/.exec(ref);
  if (byId) return orUndefined(db, jobById(db, Number(byId[1])));
  const at = /^(.+)@(\d+)$/.exec(ref);
  if (at) return orUndefined(db, jobByVersion(db, at[1], Number(at[2])));
  const named = newestJob(db, ref);
  if (named) return toJob(db, named);
  // A bare number that names no job is taken as an id.
  if (/^\d+$/.test(ref)) return orUndefined(db, jobById(db, Number(ref)));
  return undefined;
}

function orUndefined(db: Db, r: JobRecord | undefined): Job | undefined {
  return r ? toJob(db, r) : undefined;
}

/** The job `NAME`, `NAME@V` or `#ID` (see findJob); a JobError `unknown-job` when there is none. */
export function getJob(db: Db, ref: string): Job {
  const job = findJob(db, ref);
  if (!job) throw new JobError('unknown-job', `job ${ref} does not exist; list jobs with \`gangflash job list\``);
  return job;
}

/** Options for listing jobs. */
export interface ListJobsOptions {
  /** Every version of every job, not just the newest of each name. @default false */
  allVersions?: boolean;
}

/** Jobs by name, newest version of each (or every version), each with its frozen flag. */
export function listJobs(db: Db, opts: ListJobsOptions = {}): Job[] {
  return jobRecords(db, opts.allVersions ?? false).map((r) => toJob(db, r));
}

/** Paths of every image any job pinned (main and eMMC boot images), as recorded when they were pinned. */
export function pinnedImagePaths(db: Db): string[] {
  const rows = imagePaths(db);
  const specs = jobSpecs(db);
  const boot = specs.flatMap((s) => {
    const e = (JSON.parse(s) as { emmc?: { boot1?: { path: string }; boot2?: { path: string } } }).emmc;
    return [e?.boot1?.path, e?.boot2?.path].filter((p): p is string => typeof p === 'string');
  });
  return [...new Set([...rows, ...boot])];
}
