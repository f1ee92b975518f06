import os from 'node:os';
import type { Db } from '../db/open.js';
import { JobError } from '../errors.js';
import { ReleaseStore, type ReleaseRow } from '../store/releases.js';
import { atomicallyNow } from '../store/atomic.js';
import type { Job } from './spec.js';
import { getJob } from './store.js';

/** The person acting: the given name, else $GANGFLASH_OPERATOR, else the login name. */
export function actor(given?: string): string {
  const name = (given ?? process.env.GANGFLASH_OPERATOR ?? safeLogin()).trim();
  if (!/^[\x21-\x7e][\x20-\x7e]{0,63}$/.test(name)) throw new JobError('operator-invalid', `operator name ${JSON.stringify(name)} must be 1 to 64 printable ASCII characters`);
  return name;
}

function safeLogin(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

/** Releases a job version for production (NAME = newest version, NAME@V, #ID); it never changes afterwards. */
export function releaseJob(db: Db, ref: string, by: string, note: string | null): { job: Job; release: ReleaseRow } {
  return atomicallyNow(db, () => {
    const job = getJob(db, ref);
    const store = new ReleaseStore(db);
    const had = store.of(job.id);
    if (had) throw new JobError('job-released', `job ${job.name}@${job.version} was already released by ${had.releasedBy} at ${had.releasedAt}`);
    store.release(job.id, by, note);
    return { job: getJob(db, `#${job.id}`), release: store.of(job.id)! };
  });
}

/** The release of a job version, if any. */
export function jobRelease(db: Db, jobId: number): ReleaseRow | undefined {
  return new ReleaseStore(db).of(jobId);
}

/** Refuses to run a job version nobody released, unless the run is an engineering run (recorded as such). */
export function assertRunnable(db: Db, job: Job, engineering: boolean): void {
  if (engineering || jobRelease(db, job.id)) return;
  throw new JobError(
    'job-not-released',
    `job ${job.name}@${job.version} is not released for production; an engineer releases it with \`gangflash job release ${job.name}@${job.version} --by NAME\`, or run it as an engineering run with --engineering (recorded)`,
  );
}
