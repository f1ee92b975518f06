import type { RouteComparison, RouteFigures } from '../planning/compare-types.js';
import { COMPARE_CHART_CSS } from './compare-style.js';
import { esc } from './escape.js';
import { costLinesSvg } from './svg-cost-lines.js';
import { timeBarsSvg } from './svg-time-bars.js';

const CSS = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:960px;color:#1d232a;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d8dee4;padding-bottom:4px}
.muted{color:#57606a}.verdict{font-size:18px;margin:14px 0}.decisive{font-weight:600}
table{border-collapse:collapse;width:100%;font-size:12.5px}th,td{border-bottom:1px solid #eaeef2;padding:3px 6px;text-align:left}
th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}${COMPARE_CHART_CSS}`;

const route = (r: string) => (r === 'in-system' ? 'in system' : r);

/** The rows of the side-by-side table: label and each route's cell. */
function rows(c: RouteComparison): [string, string, string][] {
  const n = (v: number, d = 4) => v.toFixed(d);
  const both = (f: (r: RouteFigures) => string): [string, string] => [f(c.offline), f(c.inSystem)];
  const out: [string, string, string][] = [
    ['seconds per device on one site / channel', ...both((r) => n(r.secPerDevice, 2))],
    ['devices at once', ...both((r) => String(r.parallel))],
    ['hours for the order', ...both((r) => (r.hours === null ? 'no capacity' : n(r.hours, 1)))],
  ];
  if (c.deadline) {
    out.push(['sites / channels needed for the date', ...both((r) => `${r.forDate?.needed ?? 'none fit'}${r.forDate?.fixturesNeeded ? ` (${r.forDate.fixturesNeeded} fixtures)` : ''}`)]);
    out.push(['meets the date', ...both((r) => (r.forDate?.meetsDate ? 'yes' : 'no'))]);
  }
  const cost = (k: keyof RouteFigures['costPerDevice'], label: string) => out.push([`${label} per device`, ...both((r) => n(r.costPerDevice[k]))]);
  cost('equipment', 'equipment time');
  cost('wear', 'adapter / fixture wear');
  cost('labour', 'handling labour');
  cost('line', 'line time held');
  cost('licence', 'licence fees');
  cost('total', 'cost');
  out.push(['to buy', ...both((r) => `${n(r.fixedCost, 2)}: ${r.fixedDetail}`)]);
  out.push([`order total (${c.currency})`, ...both((r) => n(r.totalCost, 2))]);
  return out;
}

/** The comparison as one self-contained HTML document: verdict, reasons, both routes, charts, every figure's source. */
export function renderCompareHtml(c: RouteComparison, generatedAt: string): string {
  const table = rows(c).map(([k, a, b]) => `<tr><td>${esc(k)}</td><td class="num">${esc(a)}</td><td class="num">${esc(b)}</td></tr>`).join('\n');
  const reasons = c.recommendation.reasons
    .map((r) => `<li class="${r.decisive ? 'decisive' : ''}">${esc(r.factor)}${r.favours ? ` (favours ${esc(route(r.favours))})` : ''}: ${esc(r.text)}</li>`)
    .join('\n');
  const figures = c.figures.map((f) => `<tr><td>${esc(f.name)}</td><td class="num">${esc(f.value)}</td><td>${esc(f.source)}</td></tr>`).join('\n');
  const refs = c.references.map((r) => `<tr><td>${esc(r.name)}</td><td class="num">${r.secPerDevice.toFixed(2)}</td><td>${esc(r.source)}</td></tr>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(c.chip.part)}: offline or in system — gangflash</title><style>${CSS}</style></head>
<body>
<h1>${esc(c.qty.toLocaleString('en-US'))} × ${esc(c.chip.part)}: offline or in system</h1>
<div class="muted">${esc(c.chip.kind)} · ${c.programmedBytes} bytes programmed per device · ${c.attempts} attempts · in system through ${esc(c.inSystem.interface)}${c.deadline ? ` · due ${esc(c.deadline.by)} (${c.deadline.availableHours.toFixed(1)} working hours)` : ''} · generated ${esc(generatedAt)}</div>
<p class="verdict">Recommendation: <b id="recommendation">${esc(route(c.recommendation.route))}</b></p>
<ul id="reasons">${reasons}</ul>
<h2>Both routes</h2>
<table id="routes"><thead><tr><th></th><th>offline (${esc(c.offline.timeDetail)})</th><th>in system (${esc(c.inSystem.timeDetail)})</th></tr></thead><tbody>
${table}
</tbody></table>
<h2>Cost over quantity</h2>${costLinesSvg(c)}
<h2>Time to the date</h2>${timeBarsSvg(c)}
<h2>Figures and their sources</h2>
<table id="figures"><thead><tr><th>figure</th><th>value</th><th>source</th></tr></thead><tbody>
${figures}
</tbody></table>
<h2>Published offline figures for this image</h2>
<table id="references"><thead><tr><th>equipment</th><th>seconds per device</th><th>source</th></tr></thead><tbody>
${refs}
</tbody></table>
</body></html>
`;
}
