import { UsageError } from '../errors.js';
import type { LotJob } from './lot-job.js';
import { siteUnusable, type FarmSite } from './farm-sites.js';

/** Longest `no-sites` message: one line an operator reads, whatever the size of the farm; every site is in its details. */
const NO_SITES_MAX_CHARS = 300;

/**
 * The refusal of a lot no site can take, summarised by programmer ("programmer sim-1: 16 sites, none usable: adapter
 * emmc-153-11.5x13-clam-1 does not fit"; programmers with the same reasons share one entry) in at most
 * NO_SITES_MAX_CHARS; every site with its reason is in `details.sites` for --json.
 */
export function noSites(chip: LotJob['chip'], sites: FarmSite[]): UsageError {
  const head = `no site can take ${chip.part} (${chip.package} ${chip.bodyWmm}x${chip.bodyLmm}): `;
  const tail = `; see \`gangflash compat ${chip.part}\``;
  const details = { sites: sites.map((s) => ({ programmer: s.programmer, site: s.site, adapter: s.adapter, reason: siteUnusable(s) })) };
  if (sites.length === 0) return new UsageError('no-sites', `${head}no programmers registered${tail}`, {}, details);
  const kindsOf = new Map<string, Map<string, number>>();
  for (const s of sites) {
    const kinds = kindsOf.get(s.programmer) ?? new Map<string, number>();
    const kind = unusableKind(s);
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    kindsOf.set(s.programmer, kinds);
  }
  // Programmers whose sites are unusable for the same reasons share an entry, in the farm's order.
  const groups = new Map<string, { names: string[]; sites: number }>();
  for (const [name, kinds] of kindsOf) {
    const sorted = [...kinds].sort((a, b) => b[1] - a[1]);
    const why = sorted.length === 1 ? sorted[0][0] : sorted.slice(0, 2).map(([k, c]) => `${c} ${k}`).join(', ') + (sorted.length > 2 ? `, ${sorted.length - 2} other reason(s)` : '');
    const g = groups.get(why) ?? { names: [], sites: 0 };
    g.names.push(name);
    g.sites += [...kinds.values()].reduce((a, b) => a + b, 0);
    groups.set(why, g);
  }
  const entries = [...groups].map(([why, g]) => {
    const names = g.names.length === 1 ? `programmer ${g.names[0]}` : `programmers ${g.names.slice(0, 2).join(', ')}${g.names.length > 2 ? ` and ${g.names.length - 2} more` : ''}`;
    return { text: `${names}: ${g.sites} site${g.sites === 1 ? '' : 's'}, none usable: ${why}`, programmers: g.names.length, sites: g.sites };
  });
  const message = (k: number) => {
    const rest = entries.slice(k);
    const more = rest.length ? `${k ? '; ' : ''}${rest.reduce((a, e) => a + e.programmers, 0)} ${k ? 'more ' : ''}programmer(s) with ${rest.reduce((a, e) => a + e.sites, 0)} site(s): every site with --json` : '';
    return `${head}${entries.slice(0, k).map((e) => e.text).join('; ')}${more}${tail}`;
  };
  let k = entries.length;
  while (k > 1 && message(k).length > NO_SITES_MAX_CHARS) k--;
  let text = message(k);
  if (text.length > NO_SITES_MAX_CHARS) text = `${text.slice(0, NO_SITES_MAX_CHARS - tail.length - 1)}…${tail}`;
  return new UsageError('no-sites', text, {}, details);
}

/** Why a site cannot take the chip, without what differs from site to site (the adapter's serial, its count). */
function unusableKind(s: FarmSite): string {
  if (!s.enabled) return 'disabled';
  if (s.adapterId === null) return 'no adapter mounted';
  if (s.adapterRetired) return 'adapter retired';
  // The misfit that names the adapter's serial ("adapter A-1-0 (TYPE) does not fit PART"); the others name types only.
  if (!s.fits) return s.misfit?.startsWith(`adapter ${s.adapter} (`) ? `adapter ${s.adapterType} does not fit` : (s.misfit ?? 'does not fit');
  return 'adapter at its rated life';
}
