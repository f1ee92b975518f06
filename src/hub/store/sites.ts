import type { Hub } from '../connection.js';
import { UPLOAD_CHANNEL } from './uploads.js';
import type { SiteStateBySerial } from '../../records/station-wire.js';

const S = {
  put: {
    name: 'hub.sites.put',
    text: `INSERT INTO sites (programmer, site, station, enabled, reason)
           SELECT u.programmer, u.site, $1, u.enabled, u.reason FROM unnest($2::text[], $3::int[], $4::bool[], $5::text[]) AS u(programmer, site, enabled, reason)
           ON CONFLICT (programmer, site) DO UPDATE SET station = excluded.station, enabled = excluded.enabled, reason = excluded.reason, updated_at = now()
             WHERE (sites.station, sites.enabled, sites.reason) IS DISTINCT FROM (excluded.station, excluded.enabled, excluded.reason)
           RETURNING site`,
  },
  notify: { name: 'hub.sites.notify', text: `SELECT pg_notify('${UPLOAD_CHANNEL}', '')` },
  ofStation: {
    name: 'hub.sites.all',
    text: `SELECT programmer, site, enabled, reason, station FROM sites ORDER BY station COLLATE "C", programmer COLLATE "C", site`,
  },
} as const;

/** Records the site states of a station's programmers (a site that moved stations with its programmer follows it); a change is NOTIFYed. */
export async function putSiteStates(hub: Hub, station: string, states: SiteStateBySerial[]): Promise<void> {
  if (states.length === 0) return;
  const changed = await hub.run(S.put, [station, states.map((s) => s.programmer), states.map((s) => s.site), states.map((s) => s.enabled), states.map((s) => s.reason)]);
  // A dashboard listening on the hub re-reads the farm (a hint; it polls anyway).
  if (changed.length > 0) await hub.run(S.notify);
}

/** Every site state the hub has, by station, programmer serial and site. */
export async function hubSiteStates(hub: Hub): Promise<(SiteStateBySerial & { station: string })[]> {
  return hub.run(S.ofStation);
}
