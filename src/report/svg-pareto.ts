import { esc, pct } from './escape.js';
import type { ParetoBar } from './lot-report.js';

/** An inline SVG Pareto chart: failed attempts per failure code, largest first, with the cumulative share. */
export function paretoSvg(bars: ParetoBar[], width = 860, height = 260): string {
  if (bars.length === 0) return '<p class="empty">no failures</p>';
  const m = { l: 52, r: 52, t: 16, b: 56 };
  const w = width - m.l - m.r;
  const h = height - m.t - m.b;
  // Counts get whole-number ticks (1, 2, 5 × 10^n apart); the axis ends on a tick at or above the largest bar.
  const step = countStep(Math.max(...bars.map((b) => b.attempts)));
  const top = Math.ceil(Math.max(...bars.map((b) => b.attempts)) / step) * step;
  const max = top;
  const slot = w / bars.length;
  const parts: string[] = [];
  for (let v = 0; v <= top; v += step) {
    const yy = m.t + h - (h * v) / top;
    parts.push(`<line x1="${m.l}" x2="${m.l + w}" y1="${yy}" y2="${yy}" class="grid"/>`);
    parts.push(`<text x="${m.l - 6}" y="${yy + 4}" text-anchor="end" class="count-tick">${v}</text>`);
  }
  for (let k = 0; k <= 4; k++) parts.push(`<text x="${m.l + w + 6}" y="${m.t + h - (h * k) / 4 + 4}">${k * 25}%</text>`);
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

/** A whole-number tick step of 1, 2 or 5 × 10^n giving at most 5 intervals up to `max`. */
export function countStep(max: number): number {
  for (let p = 1; ; p *= 10) for (const m of [1, 2, 5]) if (Math.ceil(max / (m * p)) <= 5) return m * p;
}
