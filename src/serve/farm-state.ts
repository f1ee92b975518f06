import type { Db } from '../db/open.js';
import { adapterLives } from '../planning/adapter-life.js';
import { attemptYields } from '../stats/yield.js';

/** One site as the dashboard draws it. */
export interface SiteState {
  site: number;
  enabled: boolean;
  disabledReason: string | null;
  adapter: { serial: string; type: string; used: number; rated: number; left: number; status: string } | null;
  last: { result: 'pass' | 'fail'; failureCode: string | null; lot: string; endedAt: string } | null;
  /** Attempts on this site over every lot; `low`: its 95 % interval lies wholly below its programmer's other sites. */
  yield: { attempts: number; passed: number; low: boolean } | null;
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
  const programmers = db.prepare('SELECT id, name, model, driver FROM programmers ORDER BY name').all() as Omit<ProgrammerState, 'sites'>[];
  const sites = db
    .prepare('SELECT programmer_id AS p, site, enabled, disabled_reason AS reason FROM sites ORDER BY programmer_id, site')
    .all() as { p: number; site: number; enabled: number; reason: string | null }[];
  // The last finished attempt of each site: one short backward walk of the (programmer, site, id) index per site.
  const lastOf = db.prepare(
    `SELECT a.programmer_id AS p, a.site, a.result, a.failure_code AS failureCode, a.lot_id AS lot, a.ended_at AS endedAt
       FROM attempts a WHERE a.programmer_id = ? AND a.site = ? AND a.result IN ('pass', 'fail') ORDER BY a.id DESC LIMIT 1`,
  );
  const last = sites
    .map((s) => lastOf.get(s.p, s.site))
    .filter((r) => r !== undefined) as { p: number; site: number; result: 'pass' | 'fail'; failureCode: string | null; lot: string; endedAt: string }[];
  const lastBy = new Map(last.map((l) => [`${l.p}:${l.site}`, l]));
  const mounted = adapterLives(db).filter((a) => a.programmerId !== null);
  const yields = new Map(attemptYields(db, 'site').map((y) => [y.key, y]));
  return programmers.map((p) => ({
    ...p,
    sites: sites
      .filter((s) => s.p === p.id)
      .map((s): SiteState => {
        const a = mounted.find((m) => m.programmerId === p.id && s.site >= m.site! && s.site < m.site! + m.typeSites);
        const l = lastBy.get(`${p.id}:${s.site}`);
        const y = yields.get(`${p.name}:${s.site}`);
        return {
          site: s.site,
          enabled: s.enabled === 1,
          disabledReason: s.reason,
          adapter: a ? { serial: a.serial, type: a.type, used: a.used, rated: a.rated, left: a.left, status: a.status } : null,
          last: l ? { result: l.result, failureCode: l.failureCode, lot: l.lot, endedAt: l.endedAt } : null,
          yield: y ? { attempts: y.n, passed: y.passed, low: y.flagged === true } : null,
        };
      }),
  }));
}
