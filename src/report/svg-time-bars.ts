import type { RouteComparison } from '../planning/compare-types.js';
import { esc } from './escape.js';
import { countStep } from './svg-pareto.js';

/**
 * An inline SVG of the hours each route needs for the order on its planned capacity, as bars against the working
 * hours left until the due date (a bar past the line misses the date).
 */
export function timeBarsSvg(c: RouteComparison, width = 860, height = 150): string {
  const m = { l: 110, r: 24, t: 16, b: 42 };
  const w = width - m.l - m.r;
  const rows = [
    { label: 'offline', cls: 'offline', r: c.offline, unit: 'site(s)' },
    { label: 'in system', cls: 'in-system', r: c.inSystem, unit: 'channel(s)' },
  ];
  const avail = c.deadline?.availableHours;
  const top = Math.max(avail ?? 0, ...rows.map((x) => x.r.hours ?? 0)) || 1;
  const tick = countStep(Math.ceil(top));
  const max = Math.ceil(top / tick) * tick;
  const x = (hours: number) => m.l + (w * hours) / max;
  const band = (height - m.t - m.b) / rows.length;
  const parts: string[] = [];
  for (let v = 0; v <= max; v += tick) {
    parts.push(`<line x1="${x(v).toFixed(1)}" x2="${x(v).toFixed(1)}" y1="${m.t}" y2="${height - m.b}" class="grid"/>`);
    parts.push(`<text x="${x(v).toFixed(1)}" y="${height - m.b + 14}" text-anchor="middle">${v}</text>`);
  }
  rows.forEach((row, i) => {
    const y0 = m.t + i * band + band * 0.2;
    const hours = row.r.hours;
    const miss = row.r.forDate ? !row.r.forDate.meetsDate : false;
    const label = hours === null ? '' : `${hours.toFixed(1)} h on ${row.r.parallel} ${row.unit}${row.r.forDate ? (miss ? ' · misses the date' : ' · meets the date') : ''}`;
    parts.push(`<text x="${m.l - 8}" y="${(y0 + band * 0.35).toFixed(1)}" text-anchor="end">${row.label}</text>`);
    if (hours === null) {
      parts.push(`<text x="${m.l + 4}" y="${(y0 + band * 0.35).toFixed(1)}">no capacity today</text>`);
      return;
    }
    parts.push(
      `<g class="bar ${row.cls}${miss ? ' misses' : ''}"><rect class="${row.cls}" x="${m.l}" y="${y0.toFixed(1)}" width="${(x(hours) - m.l).toFixed(1)}" height="${(band * 0.6).toFixed(1)}"/>` +
        `<title>${row.label}: ${hours.toFixed(1)} h on ${row.r.parallel} ${row.unit}</title></g>`,
      // The label goes inside a long bar (white), after a short one.
      x(hours) - m.l > 300
        ? `<text class="on-bar" x="${m.l + 6}" y="${(y0 + band * 0.35).toFixed(1)}">${label}</text>`
        : `<text x="${(x(hours) + 4).toFixed(1)}" y="${(y0 + band * 0.35).toFixed(1)}">${label}</text>`,
    );
  });
  if (avail !== undefined) {
    parts.push(`<line class="due" x1="${x(avail).toFixed(1)}" x2="${x(avail).toFixed(1)}" y1="${m.t - 4}" y2="${height - m.b}"/>`);
    parts.push(`<text x="${x(avail).toFixed(1)}" y="${m.t - 6 < 10 ? 10 : m.t - 6}" text-anchor="middle" class="due">due ${esc(c.deadline!.by)}</text>`);
  }
  parts.push(`<text x="${m.l}" y="${height - 6}" class="legend">hours for the order${avail !== undefined ? ` · line: ${avail.toFixed(1)} working hours until the end of ${esc(c.deadline!.by)} at ${c.deadline!.hoursPerDay} h/day` : ''}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="time-bars" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="hours each route needs for the order">${parts.join('')}</svg>`;
}
