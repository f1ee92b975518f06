import type { RouteComparison } from '../planning/compare-types.js';
import { esc } from './escape.js';
import { countStep } from './svg-pareto.js';

/** A tick step of 1, 2 or 5 × 10^n (n may be negative) giving at most 5 intervals up to `max` (> 0). */
function step(max: number): number {
  const raw = max / 5;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((k) => k * p).find((s) => s >= raw)!;
}

/** Short money text: 12,345 or 12.35 below 100. */
function money(v: number): string {
  return v === 0 ? '0' : v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2);
}

/**
 * An inline SVG of both routes' cost over quantity (what must be bought + cost per device × quantity): two lines
 * that cross at the break-even quantity, with the order's quantity marked.
 */
export function costLinesSvg(c: RouteComparison, width = 860, height = 300): string {
  const m = { l: 70, r: 24, t: 26, b: 62 };
  const w = width - m.l - m.r;
  const h = height - m.t - m.b;
  const lines = [
    { route: 'offline', cls: 'offline', fixed: c.offline.fixedCost, v: c.offline.costPerDevice.total },
    { route: 'in system', cls: 'in-system', fixed: c.inSystem.fixedCost, v: c.inSystem.costPerDevice.total },
  ];
  const qStep = countStep(Math.max(c.qty, c.breakEven?.quantity ?? 0) * 1.2);
  const qMax = Math.ceil((Math.max(c.qty, c.breakEven?.quantity ?? 0) * 1.2) / qStep) * qStep;
  const yTop = Math.max(...lines.map((l) => l.fixed + l.v * qMax)) || 1;
  const yStep = step(yTop);
  const yMax = Math.ceil(yTop / yStep) * yStep;
  const x = (q: number) => m.l + (w * q) / qMax;
  const y = (v: number) => m.t + h - (h * v) / yMax;
  const parts: string[] = [];
  for (let v = 0; v <= yMax + yStep / 2; v += yStep) {
    parts.push(`<line x1="${m.l}" x2="${m.l + w}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" class="grid"/>`);
    parts.push(`<text x="${m.l - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${money(v)}</text>`);
  }
  for (let q = 0; q <= qMax; q += qStep) parts.push(`<text x="${x(q).toFixed(1)}" y="${m.t + h + 16}" text-anchor="middle">${q.toLocaleString('en-US')}</text>`);
  for (const l of lines) {
    parts.push(
      `<g class="route ${l.cls}"><path class="${l.cls}" d="M${x(0).toFixed(1)},${y(l.fixed).toFixed(1)} L${x(qMax).toFixed(1)},${y(l.fixed + l.v * qMax).toFixed(1)}"/>` +
        `<title>${l.route}: ${money(l.fixed)} to buy + ${l.v.toFixed(4)} ${esc(c.currency)} per device</title></g>`,
      `<text class="${l.cls}" x="${x(qMax) - 4}" y="${(y(l.fixed + l.v * qMax) - 8).toFixed(1)}" text-anchor="end">${l.route}</text>`,
    );
  }
  parts.push(`<line class="order" x1="${x(c.qty).toFixed(1)}" x2="${x(c.qty).toFixed(1)}" y1="${m.t}" y2="${m.t + h}"/>`);
  parts.push(`<text x="${(x(c.qty) + 4).toFixed(1)}" y="${m.t + 12}">order ${c.qty.toLocaleString('en-US')}</text>`);
  if (c.breakEven) {
    const be = c.breakEven;
    const cost = c.offline.fixedCost + c.offline.costPerDevice.total * be.exact;
    parts.push(`<g class="break-even" data-quantity="${be.quantity}"><circle cx="${x(be.exact).toFixed(1)}" cy="${y(cost).toFixed(1)}" r="5"/>` +
      `<title>break-even at ${be.quantity} devices</title></g>`);
    parts.push(`<text x="${(x(be.exact) + 8).toFixed(1)}" y="${(y(cost) + 16).toFixed(1)}">break-even ${be.quantity.toLocaleString('en-US')}</text>`);
  }
  parts.push(`<text x="${m.l + w / 2}" y="${m.t + h + 34}" text-anchor="middle">devices</text>`);
  parts.push(`<text x="${m.l}" y="${height - 6}" class="legend">cost of the order (${esc(c.currency)}) = what must be bought + cost per device × devices${c.breakEven ? '' : ` · ${esc(c.breakEvenNote)}`}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="cost-lines" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="cost over quantity of both routes">${parts.join('')}</svg>`;
}
