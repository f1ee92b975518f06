import { DASHBOARD_JS } from './page-script.js';
import { DASHBOARD_CSS } from './page-style.js';

/** The dashboard's single HTML page: inline CSS and vanilla JS reading /api and the live event stream. */
export function dashboardHtml(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>gangflash dashboard</title><style>${DASHBOARD_CSS}</style></head>
<body>
<header><h1>gangflash</h1><span id="live" class="off">connecting</span><span id="updated"></span><span id="mes"></span></header>
<main>
<section class="wide"><h2>Farm</h2><div id="farm" class="programmers"></div>
<div class="legend">tile: green last pass · red last failure · grey disabled · border: adapter life (green ok, amber &lt; 10% left, red at rated life, dashed none) · LOW: the site's yield is significantly below its programmer's other sites (95 % Wilson intervals)</div></section>
<section><h2>Lots</h2><table id="lots"><thead><tr><th>lot</th><th>chip</th><th>status</th><th>planned</th><th>passed</th><th>failed</th><th>remaining</th><th>yield</th></tr></thead><tbody></tbody></table></section>
<section><h2>Alarms</h2><ul id="alarms"></ul></section>
<section class="wide"><h2>Adapters and forecast</h2><table id="adapters"><thead><tr><th>serial</th><th>type</th><th>mounted</th><th>used</th><th>rated</th><th>per day</th><th>rated life on</th></tr></thead><tbody></tbody></table></section>
<section class="wide"><h2>Plan a lot</h2>
<form id="plan-form"><label>chip<input name="chip" list="plan-chips" required></label><datalist id="plan-chips"></datalist>
<label>quantity<input name="qty" type="number" min="1" value="20000" required></label>
<label>image<select name="image" id="plan-image"></select></label><label>or image bytes<input name="imageBytes" type="number" min="1"></label>
<label>by<input name="by" placeholder="friday or YYYY-MM-DD"></label><label>hours/day<input name="hoursPerDay" type="number" min="1" max="24" value="24"></label>
<label>vs in system<select name="isp" id="plan-isp"><option value="">(offline only)</option></select></label><label>ISP channels<input name="ispChannels" type="number" min="1" max="256"></label>
<button>plan</button></form><div id="plan-out"></div><div id="compare-out"></div></section>
</main>
<script>${DASHBOARD_JS}</script>
</body></html>
`;
}
