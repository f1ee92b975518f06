import type { Db } from '../db/open.js';
import { statements } from './statements.js';

const FAMILY = {};

/** Who released a job version, and when. */
export interface ReleaseRow {
  jobId: number;
  releasedBy: string;
  note: string | null;
  releasedAt: string;
}

/** The statements of job releases, prepared once per connection. */
export class ReleaseStore {
  private readonly s;

  constructor(db: Db) {
    this.s = statements(db, FAMILY, (d) => ({
      insert: d.prepare(`INSERT INTO job_releases (job_id, released_by, note) VALUES (?, ?, ?)`),
      get: d.prepare(`SELECT job_id AS jobId, released_by AS releasedBy, note, released_at AS releasedAt FROM job_releases WHERE job_id = ?`),
    }));
  }

  /** Records a release; the primary key refuses a second release of the same version. */
  release(jobId: number, by: string, note: string | null): void {
    this.s.insert.run(jobId, by, note);
  }

  /** The release of a job version, if it was released. */
  of(jobId: number): ReleaseRow | undefined {
    return this.s.get.get(jobId) as ReleaseRow | undefined;
  }
}
