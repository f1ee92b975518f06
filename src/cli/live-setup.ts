import path from 'node:path';
import type { Db } from '../db/open.js';
import { resolveDbPath } from '../db/open.js';
import { gangflashCommand, shellQuote } from './invocation.js';
import type { FarmSite } from '../scheduler/farm-sites.js';
import { siteUnusable } from '../scheduler/farm-sites.js';
import { siteCounts } from '../store/site-counts.js';
import { mesBacklogLine } from '../mes/backlog.js';
import type { LiveSetup } from './live-view.js';
import type { ProgrammerSlots, SiteSlot } from './site-grid.js';

/** True when the site's adapter has reached its rated life and no override lets it go on. */
const atEndOfLife = (s: FarmSite) => s.ratedInsertions !== null && s.insertions >= s.ratedInsertions && !s.overrideLife;

/**
 * What the live view starts from: every site of every programmer that can take the lot's chip on at least one
 * site, each OFF (with the reason) or EOL or idle, with the lot's pass/fail counts per site so far; and the alarms
 * still in force (disabled sites, adapters at end of life), so a resumed run repeats them.
 */
export function liveSetup(db: Db, lot: string, sites: FarmSite[], imageSha256: string, o: { dbFile: string; bell?: boolean; ops?: string[] }): LiveSetup {
  // The hint must act on this run's database when typed as printed: name it unless a bare command would pick it.
  const cli = `${gangflashCommand()}${path.resolve(o.dbFile) === resolveDbPath(undefined) ? '' : ` --db ${shellQuote(path.resolve(o.dbFile))}`}`;
  const counts = new Map(siteCounts(db, lot).map((c) => [`${c.programmer}:${c.site}`, c]));
  const shown = new Set(sites.filter((s) => s.fits).map((s) => s.programmer));
  const programmers: ProgrammerSlots[] = [];
  const activeAlarms: string[] = [];
  for (const s of sites) {
    if (!shown.has(s.programmer)) continue;
    let p = programmers.find((x) => x.name === s.programmer);
    if (!p) programmers.push((p = { name: s.programmer, sites: [] }));
    const c = counts.get(`${s.programmer}:${s.site}`);
    const why = siteUnusable(s);
    const slot: SiteSlot = { site: s.site, state: 'idle', passed: c?.passed ?? 0, failed: c?.failed ?? 0 };
    if (why !== null) Object.assign(slot, { state: s.enabled && atEndOfLife(s) ? 'eol' : 'off', reason: why });
    p.sites.push(slot);
    if (!s.enabled) activeAlarms.push(`${s.programmer} site ${s.site} is OFF: ${why}; enable it after a repair with \`${cli} sites enable ${s.programmer}:${s.site}\``);
    else if (atEndOfLife(s)) activeAlarms.push(`${s.programmer} site ${s.site} is EOL: ${why}; replace the socket or the adapter`);
  }
  return { lot, imageSha256, programmers, activeAlarms, bell: o.bell, ops: o.ops, mes: mesBacklogLine(db) ?? undefined };
}
