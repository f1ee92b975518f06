import type { DeviceRow } from '../records/report-rows.js';
import { documentChunks, type RowDocument } from './chunked.js';
import type { DeviceOrigin } from './device-rows.js';
import { esc, pct } from './escape.js';
import type { LotReport } from './lot-report.js';
import { heatmapSvg } from './svg-heatmap.js';
import { paretoSvg } from './svg-pareto.js';
import { timelineSvg } from './svg-timeline.js';

const CSS = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:960px;color:#1d232a;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d8dee4;padding-bottom:4px}
.muted{color:#57606a}.kpis{display:flex;flex-wrap:wrap;gap:10px;margin:14px 0}
.kpi{border:1px solid #d8dee4;border-radius:6px;padding:8px 12px;min-width:96px}.kpi b{display:block;font-size:20px}
table{border-collapse:collapse;width:100%;font-size:12.5px}th,td{border-bottom:1px solid #eaeef2;padding:3px 6px;text-align:left}
th{background:#f6f8fa;position:sticky;top:0}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.fail td{background:#fff1f0}.chart text{font-size:11px;fill:#3d444d}.chart .grid{stroke:#eaeef2}
.chart path.bucket{fill:none;stroke:#0969da;stroke-width:2}.chart circle.bucket{fill:#0969da}
.chart path.cumulative{fill:none;stroke:#bf3989;stroke-width:2;stroke-dasharray:5 4}.chart rect.count{fill:#d0d7de}
.chart .bar rect{fill:#cf222e}.chart text.on-colour{fill:#fff;font-weight:600}.chart .legend{fill:#57606a}
.empty{color:#57606a;font-style:italic}
@media print{body{margin:0}th{position:static}}`;

/** What became of a device's serial, in words: used, reused after a retry, or the numbers voided. */
function serialUse(d: DeviceRow): string {
  if (d.serialState === 'voided') return `voided ${d.voidedSerials ?? ''}`;
  return d.serialState === 'reused-after-retry' ? 'reused after retry' : (d.serialState ?? '');
}

/** How a hub row came: a device uploaded late by a fenced holder, or kept apart as a second chip at its position. */
function origin(d: Partial<DeviceOrigin>): string {
  if (!d.late && !d.conflict) return '';
  const how = d.conflict ? 'kept apart: another chip at this position' : 'uploaded late';
  return ` title="${esc(`${how}, by station ${d.station ?? '?'} under reel epoch ${d.epoch ?? '?'} after a reel move`)}"`;
}

/** One device as a row of the report's device table (a hub's late or kept-apart row is marked and titled). */
function deviceRow(d: DeviceRow & Partial<DeviceOrigin>): string {
  return (
    `<tr class="${d.result}${d.conflict ? ' conflict' : d.late ? ' late' : ''}"${origin(d)}><td>${esc(d.reel)}</td><td class="num">${d.seq}</td><td>${d.result}</td><td>${esc(d.failureCode ?? '')}</td>` +
    `<td>${esc(d.stage ?? '')}</td><td>${esc(d.serial ?? '')}</td><td>${esc(serialUse(d))}</td><td class="num">${d.attempts}</td><td>${esc(d.programmer ?? '')}</td>` +
    `<td class="num">${d.site ?? ''}</td><td>${esc(d.adapter ?? '')}</td><td>${esc(d.finishedAt)}</td></tr>`
  );
}

/**
 * The lot report as one self-contained HTML document (inline CSS and SVG, no scripts, no network), streamed: the
 * summary and charts first, then one table row per device (memory flat in the lot size when the rows walk the store).
 */
export function lotHtmlDocument(r: LotReport): RowDocument<DeviceRow> {
  const s = r.summary;
  const kpi = (label: string, value: string | number) => `<div class="kpi"><span class="muted">${esc(label)}</span><b>${esc(value)}</b></div>`;
  return {
    head: `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lot ${esc(s.lot)} — gangflash report</title><style>${CSS}</style></head>
<body>
<h1>Lot ${esc(s.lot)}</h1>
<div class="muted">chip ${esc(s.chip)} · job ${esc(s.job)} · status ${esc(s.status)} · ${s.reels} reel(s) · generated ${esc(r.generatedAt)}</div>
<section id="summary"><div class="kpis">
${kpi('planned', s.planned)}${kpi('passed', s.passed)}${kpi('failed', s.failed)}${kpi('remaining', s.remaining)}
${kpi('final yield', pct(s.yield))}${kpi('first-pass yield', pct(s.firstPassYield))}${kpi('insertions', s.attempts)}
</div><div class="muted">first insertion ${esc(s.startedAt ?? '-')} · last ${esc(s.endedAt ?? '-')}</div></section>
<h2>Yield over time</h2>${timelineSvg(r.timeline)}
<h2>Yield per programmer × site</h2>${heatmapSvg(r.heatmap)}
<h2>Failure Pareto</h2>${paretoSvg(r.pareto)}
<h2>Devices (${r.deviceCount})</h2>
<table id="devices"><thead><tr><th>reel</th><th>seq</th><th>result</th><th>failure</th><th>stage</th><th>serial</th><th>serial use</th><th>attempts</th><th>programmer</th><th>site</th><th>adapter</th><th>finished</th></tr></thead>
<tbody>
`,
    row: (d, first) => (first ? '' : '\n') + deviceRow(d),
    tail: () => `
</tbody></table>
</body></html>
`,
  };
}

/** The lot report's HTML in chunks of about `chars` characters as `devices` yields the rows. */
export function lotHtmlChunks(r: LotReport, devices: Iterable<DeviceRow>, chars?: number): Generator<string> {
  return documentChunks(lotHtmlDocument(r), devices, chars);
}

/** The whole lot report as one HTML string (for small lots and tests; `lotHtmlChunks` streams). */
export function renderLotHtml(r: LotReport, devices: Iterable<DeviceRow>): string {
  return [...lotHtmlChunks(r, devices)].join('');
}
