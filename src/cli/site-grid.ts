import { padCells, wrap } from './screen.js';

const STAGE_LETTER: Record<string, string> = { id: 'I', erase: 'E', blank: 'B', program: 'P', verify: 'V', serial: 'S', 'ext-csd': 'X', done: '·' };
const GREEN = (s: string) => `\x1b[32m${s}\x1b[0m`;
const RED = (s: string) => `\x1b[31m${s}\x1b[0m`;
const YELLOW = (s: string) => `\x1b[33m${s}\x1b[0m`;
const DIM = (s: string) => `\x1b[2m${s}\x1b[0m`;

/** What the live view knows of one site: its state now and its passed/failed insertions in the lot. */
export interface SiteSlot {
  site: number;
  state: 'idle' | 'working' | 'pass' | 'fail' | 'off' | 'eol';
  stage?: string;
  pct?: number;
  /** Why the site is OFF or at end of life. */
  reason?: string;
  passed: number;
  failed: number;
}

/** One programmer's sites, every one of them, in site order. */
export interface ProgrammerSlots {
  name: string;
  sites: SiteSlot[];
}

/** The state word of a site, 6 cells wide at most: `idle`, `P 42%`, `✓ ok`, `✗ fail`, `OFF`, `EOL`. */
export function stateWord(s: SiteSlot): string {
  switch (s.state) {
    case 'idle':
      return DIM('idle');
    case 'working':
      return `${STAGE_LETTER[s.stage ?? ''] ?? '?'} ${String(s.pct ?? 0).padStart(2)}%`;
    case 'pass':
      return GREEN('✓ ok');
    case 'fail':
      return RED('✗ fail');
    case 'off':
      return RED('OFF');
    case 'eol':
      return YELLOW('EOL');
  }
}

const counts = (s: SiteSlot) => `${s.passed}/${s.failed}`;

/**
 * Draws every programmer's sites as a grid in `width` cells: each site a fixed cell `NN state pass/fail` at a fixed
 * place (row = site ÷ cells per row), so a site that goes OFF keeps its number and place; a programmer with more
 * sites than fit on a line continues on the next lines under its name. Below the grid, one line per site that is OFF
 * or at end of life, with its reason (wrapped, never cut).
 */
export function siteGrid(programmers: ProgrammerSlots[], width: number): string[] {
  const nameW = Math.min(12, Math.max(4, ...programmers.map((p) => p.name.length))) + 1;
  const numW = Math.max(2, ...programmers.flatMap((p) => p.sites.map((s) => String(s.site).length)));
  const countW = Math.max(3, ...programmers.flatMap((p) => p.sites.map((s) => counts(s).length)));
  const cellW = numW + 1 + 6 + 1 + countW;
  const gap = 2;
  const fit = Math.max(1, Math.floor((width - nameW + gap) / (cellW + gap)));
  const lines: string[] = [];
  for (const p of programmers) {
    // Rows of equal length (16 sites in 5 columns become 4 rows of 4), so site n always sits under site n − perRow.
    const perRow = Math.ceil(p.sites.length / Math.ceil(p.sites.length / fit));
    for (let r = 0; r * perRow < p.sites.length; r++) {
      const row = p.sites.slice(r * perRow, (r + 1) * perRow).map((s) => `${String(s.site).padStart(numW)} ${padCells(stateWord(s), 6)} ${counts(s).padStart(countW)}`);
      lines.push(padCells(r === 0 ? p.name.slice(0, nameW - 1) : '', nameW) + row.join(' '.repeat(gap)));
    }
  }
  for (const p of programmers) {
    for (const s of p.sites) {
      if ((s.state === 'off' || s.state === 'eol') && s.reason) lines.push(...wrap(`${p.name} site ${s.site} ${s.state === 'off' ? RED('OFF') : YELLOW('EOL')}: ${s.reason}`, width));
    }
  }
  return lines;
}
