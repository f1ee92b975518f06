import type { Db } from '../db/open.js';
import { JobError } from '../errors.js';
import { parseSpecJson, type Job } from './spec.js';

/** A `jobs` row with its frozen flag. */
interface JobRow {
  id: number;
  name: string;
  version: number;
  chip: string;
  image_sha256: string;
  spec: string;
  created_at: string;
  frozen: number;
  released_by: string | null;
  released_at: string | null;
  release_note: string | null;
}

const SELECT = `SELECT j.id, j.name, j.version, j.chip, j.image_sha256, j.spec, j.created_at,
  (EXISTS (SELECT 1 FROM lots l WHERE l.job_id = j.id) OR r.job_id IS NOT NULL) AS frozen,
  r.released_by, r.released_at, r.note AS release_note FROM jobs j LEFT JOIN job_releases r ON r.job_id = j.id`;

/** A row as a Job. */
function toJob(r: JobRow): Job {
  return {
    id: r.id,
    name: r.name,
    version: r.version,
    chip: r.chip,
    imageSha256: r.image_sha256,
    spec: parseSpecJson(r.spec, `${r.name}@${r.version}`),
    createdAt: r.created_at,
    frozen: r.frozen === 1,
    release: r.released_by === null ? null : { by: r.released_by, at: r.released_at!, note: r.release_note },
  };
}

/** The job `NAME` (newest version), `NAME@V`, or `#ID`; undefined when there is none. */
export function findJob(db: Db, ref: string): Job | undefined {
  const byId = /^#(\d+)$/.exec(ref);
  if (byId) return rowOrUndefined(db.prepare(`${SELECT} WHERE j.id = ?`).get(Number(byId[1])));
  const at = /^(.+)@(\d+)$/.exec(ref);
  if (at) return rowOrUndefined(db.prepare(`${SELECT} WHERE j.name = ? AND j.version = ?`).get(at[1], Number(at[2])));
  const named = db.prepare(`${SELECT} WHERE j.name = ? ORDER BY j.version DESC LIMIT 1`).get(ref);
  if (named) return toJob(named as JobRow);
  // A bare number that names no job is taken as an id.
  if (/^\d+$/.test(ref)) return rowOrUndefined(db.prepare(`${SELECT} WHERE j.id = ?`).get(Number(ref)));
  return undefined;
}

function rowOrUndefined(row: unknown): Job | undefined {
  return row ? toJob(row as JobRow) : undefined;
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
  const where = opts.allVersions ? '' : ' WHERE j.version = (SELECT max(version) FROM jobs k WHERE k.name = j.name)';
  return (db.prepare(`${SELECT}${where} ORDER BY j.name, j.version`).all() as JobRow[]).map(toJob);
}

/** Paths of every image any job pinned (main and eMMC boot images), as recorded when they were pinned. */
export function pinnedImagePaths(db: Db): string[] {
  const rows = db.prepare('SELECT path FROM images').pluck().all() as string[];
  const specs = db.prepare('SELECT spec FROM jobs').pluck().all() as string[];
  const boot = specs.flatMap((s) => {
    const e = (JSON.parse(s) as { emmc?: { boot1?: { path: string }; boot2?: { path: string } } }).emmc;
    return [e?.boot1?.path, e?.boot2?.path].filter((p): p is string => typeof p === 'string');
  });
  return [...new Set([...rows, ...boot])];
}
