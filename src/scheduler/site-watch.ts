import type { Db } from '../db/open.js';
import type { FarmSite } from './farm-sites.js';
import { SiteHealth } from './site-health.js';
import { siteKey } from './placement.js';
import type { GuardedWrites } from './guarded-writes.js';
import { setSiteState } from '../store/sites.js';

/** Raises an alarm about a site (recorded and emitted by the run). */
export type SiteAlarm = (code: string, message: string, s?: FarmSite) => void;

/**
 * Socket health and adapter wear during a run: counts each insertion on its adapter, raises the adapter-life alarm
 * when an adapter reaches its rated insertions, and disables a site after `limit` socket failures in a row.
 */
export class SiteWatch {
  private readonly health: SiteHealth;

  constructor(private readonly db: Db, sites: FarmSite[], private readonly limit: number, private readonly alarm: SiteAlarm, private readonly writes: GuardedWrites) {
    this.health = new SiteHealth(db, [...new Set(sites.map((s) => s.programmerId))]);
    for (const s of sites) {
      if (s.adapterId !== null && s.ratedInsertions !== null && s.insertions >= s.ratedInsertions && !s.overrideLife) {
        alarm('adapter-life', `${s.programmer} site ${s.site}: adapter ${s.adapter} reached its rated life (${s.insertions}/${s.ratedInsertions} insertions); not used`, s);
      }
    }
  }

  /** Records one finished insertion on `s` with its failure code (null: passed). */
  note(s: FarmSite, code: string | null): void {
    s.insertions++;
    if (s.ratedInsertions !== null && s.insertions === s.ratedInsertions) {
      this.alarm('adapter-life', `adapter ${s.adapter} on ${s.programmer} site ${s.site} reached its rated life (${s.ratedInsertions} insertions)${s.overrideLife ? '; in use by operator override' : '; no longer used'}`, s);
    }
    const streak = this.health.record(siteKey(s), code);
    if (streak >= this.limit && s.enabled) {
      s.enabled = false;
      s.disabledReason = `${streak} socket failures in a row`;
      this.writes.run(() => setSiteState(this.db, s.programmerId, s.site, false, s.disabledReason));
      this.alarm('site-disabled', `${s.programmer} site ${s.site} disabled after ${streak} failed devices in a row (last: ${code}); check the socket`, s);
    }
  }
}
