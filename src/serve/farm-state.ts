import type { Db } from '../db/open.js';
import { adapterLives } from '../planning/adapter-life.js';
import { attemptYields } from '../stats/yield.js';
import { farmViewProgrammers, farmViewSites, lastAttempts } from '../store/farm-view.js';

/** One site as the dashboard draws it. */
export interface SiteState {
  site: number;
  enabled: boolean;
  disabledReason: string | null;
  adapter: { serial: string; type: string; used: number; rated: number; left: number; status: string } | null;
  last: { result: 'pass' | 'fail'; failureCode: string | null; lot: string; endedAt: string } | null;
  /** Attempts on this site over every lot, their yield; `low`: its 95 % interval lies wholly below its programmer's other sites. */
  yield: { attempts: number; passed: number; yield: number | null; low: boolean } | null;
}

/** One programmer with its sites. */
export interface ProgrammerState {
  id: number;
  name: string;
  model: string;
  driver: string;
  sites: SiteState[];
}

/** Every programmer and site: enabled or not, its adapter's life, its last attempt and its yield (flagged when low). */
export function farmState(db: Db): ProgrammerState[] {
  const programmers = farmViewProgrammers(db);
  const sites = farmViewSites(db);
  const lastBy = new Map(lastAttempts(db, sites).map((l) => [`${l.programmerId}:${l.site}`, l]));
  const mounted = adapterLives(db).filter((a) => a.programmerId !== null);
  const yields = new Map(attemptYields(db, 'site').map((y) => [y.key, y]));
  return programmers.map((p) => ({
    ...p,
    sites: sites
      .filter((s) => s.programmerId === p.id)
      .map((s): SiteState => {
        const a = mounted.find((m) => m.programmerId === p.id && s.site >= m.site! && s.site < m.site! + m.typeSites);
        const l = lastBy.get(`${p.id}:${s.site}`);
        const y = yields.get(`${p.name}:${s.site}`);
        return {
          site: s.site,
          enabled: s.enabled,
          disabledReason: s.disabledReason,
          adapter: a ? { serial: a.serial, type: a.type, used: a.used, rated: a.rated, left: a.left, status: a.status } : null,
          last: l ? { result: l.result, failureCode: l.failureCode, lot: l.lot, endedAt: l.endedAt } : null,
          yield: y ? { attempts: y.n, passed: y.passed, yield: y.yield, low: y.flagged === true } : null,
        };
      }),
  }));
}
