import { esc, pct } from './escape.js';
import { countStep } from './svg-pareto.js';
import type { YieldPoint } from './lot-report.js';

/** An inline SVG line chart of yield per time bucket and cumulative yield, with devices per bucket as bars. */
export function timelineSvg(points: YieldPoint[], width = 860, height = 260): string {
  if (points.length === 0) return '<p class="empty">no devices finished yet</p>';
  const m = { l: 52, r: 52, t: 16, b: 40 };
  const w = width - m.l - m.r;
  const h = height - m.t - m.b;
  const minY = Math.min(...points.map((p) => Math.min(p.yield, p.cumulative)));
  const lo = Math.max(0, Math.floor((minY - 0.02) * 10) / 10);
  const maxN = Math.max(...points.map((p) => p.passed + p.failed));
  const x = (i: number) => m.l + (points.length === 1 ? w / 2 : (i * w) / (points.length - 1));
  const y = (v: number) => m.t + h - ((v - lo) / (1 - lo || 1)) * h;
  const bw = Math.max(2, Math.min(24, w / points.length - 2));
  const parts: string[] = [];
  for (let k = 0; k <= 4; k++) {
    const v = lo + ((1 - lo) * k) / 4;
    parts.push(`<line x1="${m.l}" x2="${m.l + w}" y1="${y(v)}" y2="${y(v)}" class="grid"/><text x="${m.l - 6}" y="${y(v) + 4}" text-anchor="end">${pct(v)}</text>`);
  }
  // Devices per interval are bars on their own axis (right, whole numbers) in the lower third, never read off the yield axis.
  const hb = h * 0.35;
  const step = countStep(maxN);
  const topN = Math.ceil(maxN / step) * step;
  for (let v = 0; v <= topN; v += step) parts.push(`<text x="${m.l + w + 6}" y="${m.t + h - (hb * v) / topN + 4}" class="count-tick">${v}</text>`);
  parts.push(`<text x="${m.l + w + 6}" y="${m.t + h - hb - 12}" class="legend">devices</text>`);
  points.forEach((p, i) => {
    const n = p.passed + p.failed;
    const bh = (n / topN) * hb;
    parts.push(`<rect class="count" x="${x(i) - bw / 2}" y="${m.t + h - bh}" width="${bw}" height="${bh}"><title>${esc(p.at)}: ${n} devices</title></rect>`);
  });
  const path = (f: (p: YieldPoint) => number) => points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(f(p)).toFixed(1)}`).join(' ');
  parts.push(`<path class="bucket" d="${path((p) => p.yield)}"/>`, `<path class="cumulative" d="${path((p) => p.cumulative)}"/>`);
  points.forEach((p, i) => parts.push(`<circle cx="${x(i)}" cy="${y(p.yield)}" r="3" class="bucket"><title>${esc(p.at)}: ${pct(p.yield)} (${p.passed}/${p.passed + p.failed})</title></circle>`));
  const ticks = Math.min(points.length, 6);
  for (let k = 0; k < ticks; k++) {
    const i = Math.round((k * (points.length - 1)) / Math.max(1, ticks - 1));
    parts.push(`<text x="${x(i)}" y="${m.t + h + 18}" text-anchor="middle">${esc(points[i].at.slice(5, 16).replace('T', ' '))}</text>`);
  }
  parts.push(
    `<text x="${m.l + w}" y="${height - 4}" text-anchor="end" class="legend">— yield per interval (left axis) · - - cumulative · bars: devices per interval (right axis)</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="timeline" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="yield over time">${parts.join('')}</svg>`;
}
