import { esc, pct, yieldColour } from './escape.js';
import type { SiteCell } from './lot-report.js';

/** An inline SVG heat map of yield per programmer (rows) × site (columns), red low to green high. */
export function heatmapSvg(cells: SiteCell[]): string {
  if (cells.length === 0) return '<p class="empty">no attempts yet</p>';
  const programmers = [...new Set(cells.map((c) => c.programmer))];
  const sites = [...new Set(cells.map((c) => c.site))].sort((a, b) => a - b);
  const lo = Math.min(0.9, ...cells.map((c) => c.yield));
  const cw = 64;
  const ch = 40;
  const left = 110;
  const top = 24;
  const width = Math.max(left + sites.length * cw + 10, 860);
  const height = top + programmers.length * ch + 30;
  const parts: string[] = [];
  sites.forEach((s, j) => parts.push(`<text x="${left + j * cw + cw / 2}" y="${top - 8}" text-anchor="middle">site ${s}</text>`));
  programmers.forEach((p, i) => {
    parts.push(`<text x="${left - 8}" y="${top + i * ch + ch / 2 + 4}" text-anchor="end">${esc(p)}</text>`);
    for (const c of cells.filter((c) => c.programmer === p)) {
      const j = sites.indexOf(c.site);
      const x = left + j * cw;
      const y = top + i * ch;
      parts.push(
        `<g class="cell${c.disabled ? ' disabled' : ''}${c.low ? ' low' : ''}" data-programmer="${esc(p)}" data-site="${c.site}"><rect x="${x + 1}" y="${y + 1}" width="${cw - 2}" height="${ch - 2}" rx="3" fill="${yieldColour(c.yield, lo)}"${c.disabled ? ' stroke="#555" stroke-dasharray="4 2" stroke-width="2"' : ''}/>` +
          `<text x="${x + cw / 2}" y="${y + ch / 2 - 2}" text-anchor="middle" class="on-colour">${pct(c.yield)}</text>` +
          `<text x="${x + cw / 2}" y="${y + ch / 2 + 11}" text-anchor="middle" class="on-colour small">n=${c.attempts}${c.disabled ? ' OFF' : ''}${c.low ? ' LOW' : ''}</text>` +
          `<title>${esc(p)} site ${c.site}: ${c.passed}/${c.attempts} attempts passed (${pct(c.yield)})${c.disabled ? '; disabled' : ''}${c.low ? '; LOW: significantly below the programmer\'s other sites' : ''}</title></g>`,
      );
    }
  });
  parts.push(`<text x="${left}" y="${height - 8}" class="legend">colour: ${pct(lo)} (red) to 100% (green), per insertion · n: insertions · OFF: disabled · LOW: below its programmer's other sites (95 %)</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="heatmap" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="yield per programmer and site">${parts.join('')}</svg>`;
}
