import { esc, pct } from './escape.js';
import type { ParetoBar } from './lot-report.js';

/** An inline SVG Pareto chart: failed attempts per failure code, largest first, with the cumulative share. */
export function paretoSvg(bars: ParetoBar[], width = 860, height = 260): string {
  if (bars.length === 0) return '<p class="empty">no failures</p>';
  const m = { l: 52, r: 52, t: 16, b: 56 };
  const w = width - m.l - m.r;
  const h = height - m.t - m.b;
  const max = Math.max(...bars.map((b) => b.attempts));
  const slot = w / bars.length;
  const parts: string[] = [];
  for (let k = 0; k <= 4; k++) {
    const yy = m.t + h - (h * k) / 4;
    parts.push(`<line x1="${m.l}" x2="${m.l + w}" y1="${yy}" y2="${yy}" class="grid"/>`);
    parts.push(`<text x="${m.l - 6}" y="${yy + 4}" text-anchor="end">${Math.round((max * k) / 4)}</text>`);
    parts.push(`<text x="${m.l + w + 6}" y="${yy + 4}">${k * 25}%</text>`);
  }
  const pts: string[] = [];
  bars.forEach((b, i) => {
    const bh = (b.attempts / max) * h;
    const x = m.l + i * slot;
    parts.push(
      `<g class="bar" data-code="${esc(b.code)}"><rect x="${x + slot * 0.15}" y="${m.t + h - bh}" width="${slot * 0.7}" height="${bh}"/>` +
        `<title>${esc(b.code)}: ${b.attempts} failed attempts, ${b.devices} devices failed for good</title></g>`,
      `<text x="${x + slot / 2}" y="${m.t + h + 16}" text-anchor="middle">${esc(b.code)}</text>`,
      `<text x="${x + slot / 2}" y="${m.t + h - bh - 4}" text-anchor="middle">${b.attempts}</text>`,
    );
    pts.push(`${i ? 'L' : 'M'}${(x + slot / 2).toFixed(1)},${(m.t + h - b.cumulative * h).toFixed(1)}`);
  });
  parts.push(`<path class="cumulative" d="${pts.join(' ')}"/>`);
  parts.push(`<text x="${m.l}" y="${height - 6}" class="legend">bars: failed attempts per code (left axis) · line: cumulative share (right axis), last ${pct(bars[bars.length - 1].cumulative)}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="pareto" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="failure Pareto">${parts.join('')}</svg>`;
}
