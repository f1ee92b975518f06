import type { Db } from '../db/open.js';
import { recentSiteResults, sitesOfProgrammer } from '../store/sites.js';

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
    for (const pid of programmerIds) {
      for (const site of sitesOfProgrammer(db, pid)) {
        let n = 0;
        for (const code of recentSiteResults(db, pid, site)) {
          if (code === null) break;
          if (countsAgainstSite(code)) n++;
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
