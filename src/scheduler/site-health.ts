import type { Db } from '../db/open.js';

/** Failure codes that say nothing about the socket (the part's or the whole programmer's fault). */
const NOT_THE_SOCKET: ReadonlySet<string> = new Set(['id-mismatch', 'too-many-bad-blocks', 'link-lost']);

/** Whether a failed attempt counts against the site it ran on. */
export function countsAgainstSite(failureCode: string | null): boolean {
  return failureCode !== null && !NOT_THE_SOCKET.has(failureCode);
}

/**
 * Consecutive socket failures per site, seeded from the attempts table (so health survives restarts) and
 * advanced as attempts finish. A site that reaches the limit is to be disabled.
 */
export class SiteHealth {
  private readonly streak = new Map<string, number>();

  constructor(db: Db, programmerIds: number[]) {
    // Finished attempts only: an interrupted insertion says nothing about the socket.
    // A site enabled again by an operator starts a new streak: attempts before that are not held against it.
    const rows = db.prepare(
      `SELECT failure_code AS code FROM attempts WHERE programmer_id = @p AND site = @s AND result IN ('pass', 'fail')
         AND started_at > coalesce((SELECT max(at) FROM events WHERE code = 'site-enabled' AND programmer_id = @p AND site = @s), '')
       ORDER BY id DESC LIMIT 64`,
    );
    const sites = db.prepare('SELECT site FROM sites WHERE programmer_id = ?');
    for (const pid of programmerIds) {
      for (const { site } of sites.all(pid) as { site: number }[]) {
        let n = 0;
        for (const r of rows.all({ p: pid, s: site }) as { code: string | null }[]) {
          if (r.code === null) break;
          if (countsAgainstSite(r.code)) n++;
        }
        this.streak.set(`${pid}:${site}`, n);
      }
    }
  }

  /** Records an attempt's outcome; returns the site's streak of socket failures after it. */
  record(siteKey: string, failureCode: string | null): number {
    const n = failureCode === null ? 0 : countsAgainstSite(failureCode) ? (this.streak.get(siteKey) ?? 0) + 1 : (this.streak.get(siteKey) ?? 0);
    this.streak.set(siteKey, n);
    return n;
  }

  /** Current streak of a site. */
  streakOf(siteKey: string): number {
    return this.streak.get(siteKey) ?? 0;
  }
}
