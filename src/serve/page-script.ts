import { ISP_INTERFACES } from '../planning/isp-defaults.js';

/** The dashboard's browser script (vanilla JS, inline in the page, no build step). */
export const DASHBOARD_JS = String.raw`
const token = new URLSearchParams(location.search).get('token');
const withToken = (u) => token ? u + (u.includes('?') ? '&' : '?') + 'token=' + encodeURIComponent(token) : u;
const api = async (u) => { const r = await fetch(withToken(u)); const j = await r.json(); if (!r.ok) throw new Error(j.error?.message ?? r.status); return j; };
const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'})[c]);
const pct = (v) => v === null || v === undefined ? '-' : (v * 100).toFixed(1) + '%';
const $ = (s) => document.querySelector(s);

function lifeClass(a) { if (!a) return 'noadapter'; const share = a.left / a.rated; return a.left <= 0 ? 'life-out' : share < 0.1 ? 'life-low' : 'life-ok'; }
function siteHtml(p, s) {
  const y = s.yield;
  const cls = ['site', lifeClass(s.adapter), !s.enabled ? 'disabled' : s.last ? s.last.result : 'idle', y?.low ? 'low' : ''].join(' ');
  const a = s.adapter ? esc(s.adapter.serial) + '<br>' + pct(Math.max(0, s.adapter.left) / s.adapter.rated) + ' life left' : 'no adapter';
  const last = !s.enabled ? 'disabled: ' + esc(s.disabledReason ?? '') : s.last ? (s.last.result === 'pass' ? 'pass' : esc(s.last.failureCode)) : '—';
  const yl = y ? '<span class="yield">yield ' + pct(y.yield) + ' of ' + y.attempts + (y.low ? ' <b class="badge">LOW</b>' : '') + '</span>' : '<span class="yield">no attempts</span>';
  return '<div class="' + cls + '" data-programmer-id="' + p.id + '" data-site="' + s.site + '"><b>site ' + s.site + '</b><br>' + a + '<br><span class="last">' + last + '</span><br>' + yl + '</div>';
}
let farm = [];
function renderFarm() {
  $('#farm').innerHTML = farm.length ? farm.map((p) => '<div class="programmer" data-programmer="' + esc(p.name) + '"><h3>' + esc(p.name) + ' <small>' + (p.station ? 'station ' + esc(p.station) + ' · ' : '') + esc(p.model) + ' · ' + esc(p.driver) + '</small></h3><div class="sites">' + p.sites.map((s) => siteHtml(p, s)).join('') + '</div></div>').join('') : '<p>no programmers registered</p>';
}
function lotRow(l) {
  const done = l.passed + l.failed;
  return '<tr data-lot="' + esc(l.lot) + '"><td>' + esc(l.lot) + '</td><td>' + esc(l.chip ?? '') + '</td><td>' + esc(l.status) + '</td><td class="num">' + l.planned + '</td><td class="num passed">' + l.passed + '</td><td class="num failed">' + l.failed + '</td><td class="num">' + (l.planned - done) + '</td><td class="num">' + pct(l.yield) + '</td></tr>';
}
function renderAdapters(rows) {
  $('#adapters tbody').innerHTML = rows.map((a) => '<tr data-serial="' + esc(a.serial) + '"><td>' + esc(a.serial) + '</td><td>' + esc(a.type) + '</td><td>' + (a.programmer ? esc(a.programmer) + '/' + a.site : 'shelf') + '</td><td class="num">' + a.used + '</td><td class="num">' + a.rated + '</td><td class="num">' + (a.insertionsPerDay === null ? '-' : a.insertionsPerDay.toFixed(1)) + '</td><td>' + (a.reachesLifeOn ?? a.state) + '</td></tr>').join('');
}
function addAlarm(e) {
  const li = document.createElement('li');
  li.className = e.kind;
  li.textContent = e.at + ' ' + e.code + ': ' + e.message;
  $('#alarms').prepend(li);
}
async function load() {
  const [f, l, a, ev, m] = await Promise.all([api('/api/farm'), api('/api/lots'), api('/api/adapters'), api('/api/events?limit=50'), api('/api/mes')]);
  $('#mes').textContent = m.config ? 'MES ' + (m.config.enabled ? '' : 'off, ') + m.pending + ' waiting' + (m.lastError ? ' (' + m.lastError + ')' : '') : '';
  farm = f.programmers; renderFarm();
  $('#alarms').innerHTML = '';
  for (const e of ev.events.slice().reverse()) addAlarm(e);
  $('#lots tbody').innerHTML = l.lots.map(lotRow).join('');
  renderAdapters(a.adapters);
  $('#updated').textContent = 'updated ' + new Date().toLocaleTimeString();
}
// Counts always come from the database (a debounced re-read of the farm), never from deltas added on the page: an
// attempt seen twice, or already in the state the page loaded, can never be counted twice.
let farmTimer = null;
function refreshFarm() {
  if (farmTimer) return;
  farmTimer = setTimeout(async () => { farmTimer = null; try { farm = (await api('/api/farm')).programmers; renderFarm(); } catch (e) {} }, 300);
}
function onAttempt(a) {
  const p = farm.find((x) => x.id === a.programmerId); const s = p?.sites.find((x) => x.site === a.site);
  if (!s) return;
  s.last = { result: a.result, failureCode: a.failureCode, lot: a.lot, endedAt: a.endedAt };
  const el = document.querySelector('.site[data-programmer-id="' + p.id + '"][data-site="' + a.site + '"]');
  if (el) { el.outerHTML = siteHtml(p, s); const n = document.querySelector('.site[data-programmer-id="' + p.id + '"][data-site="' + a.site + '"]'); n.classList.add('flash'); setTimeout(() => n.classList.remove('flash'), 600); }
  $('#updated').textContent = 'attempt ' + a.lot + '/' + a.reel + '/' + a.seq + ' ' + a.result + ' at ' + a.endedAt;
  refreshFarm();
}
function onLot(l) {
  const row = document.querySelector('#lots tr[data-lot="' + CSS.escape(l.lot) + '"]');
  if (row) { const chip = row.children[1].textContent; row.outerHTML = lotRow({ ...l, chip }); } else load();
}
function connect() {
  const es = new EventSource(withToken('/api/live'));
  // Every (re)connect starts from the database's state, never from deltas replayed over it.
  es.onopen = () => { $('#live').className = 'on'; $('#live').textContent = 'live'; load().catch(() => {}); };
  es.onerror = () => { $('#live').className = 'off'; $('#live').textContent = 'reconnecting'; };
  es.addEventListener('attempt', (m) => onAttempt(JSON.parse(m.data)));
  es.addEventListener('lot', (m) => onLot(JSON.parse(m.data)));
  es.addEventListener('event', (m) => { const e = JSON.parse(m.data); if (e.kind === 'alarm' || /^site-|override|retire|mount|socket/.test(e.code)) load(); else addAlarm(e); });
}
async function plan(ev) {
  ev.preventDefault();
  const q = new URLSearchParams(new FormData(ev.target));
  for (const [k, v] of [...q]) if (!v) q.delete(k);
  try {
    const p = await api('/api/plan?' + q);
    if (p.error) throw new Error(p.error.message);
    const d = p.deadline;
    $('#plan-out').innerHTML = '<div>' + p.qty + ' × ' + esc(p.chip.part) + ': ' + p.sites.healthy + ' healthy sites, ' + p.cycle.seconds.toFixed(1) + ' s per cycle (' + p.cycle.basis + '), ' + (p.cycles ?? '-') + ' cycles = ' + (p.hours === null ? '-' : p.hours.toFixed(1)) + ' h; expect ' + p.expectedGood + ' good</div>' +
      (d ? '<div class="' + (d.feasible ? 'good' : 'bad') + '">by ' + d.by + ': ' + (d.feasible ? 'yes' : 'no') + ' (' + d.availableHours.toFixed(1) + ' h available, ' + (d.sitesNeeded ?? 'no number of') + ' sites needed)</div>' : '') +
      '<div>order: ' + (p.order.length ? p.order.map((o) => o.quantity + ' × ' + esc(o.adapterType) + ' (' + esc(o.reason) + ')').join('; ') : 'nothing') + '</div>';
    await compare(q);
  } catch (e) { $('#plan-out').innerHTML = '<span class="bad">' + esc(e.message) + '</span>'; }
}
const imageSizes = new Map();
const route = (r) => r === 'in-system' ? 'in system' : r;
async function compare(q) {
  $('#compare-out').innerHTML = '';
  if (!q.get('isp')) return;
  const c = new URLSearchParams(q);
  if (c.get('image')) c.set('imageBytes', imageSizes.get(c.get('image')));
  const { comparison: x, charts } = await api('/api/plan/compare?' + c);
  const n = (v) => v.toFixed(4);
  const row = (k, f) => '<tr><td>' + esc(k) + '</td><td class="num">' + esc(f(x.offline)) + '</td><td class="num">' + esc(f(x.inSystem)) + '</td></tr>';
  $('#compare-out').innerHTML = '<div>offline or in system (' + esc(x.inSystem.interface) + '): <b id="compare-route">' + route(x.recommendation.route) + '</b></div>' +
    '<ul>' + x.recommendation.reasons.map((r) => '<li class="' + (r.decisive ? 'decisive' : '') + '">' + esc(r.factor) + ': ' + esc(r.text) + '</li>').join('') + '</ul>' +
    '<table><thead><tr><th></th><th>offline</th><th>in system</th></tr></thead><tbody>' +
    row('hours for the order', (r) => r.hours === null ? 'no capacity' : r.hours.toFixed(1)) +
    row('cost per device (' + x.currency + ')', (r) => n(r.costPerDevice.total)) + row('to buy', (r) => r.fixedCost.toFixed(2)) + row('order total', (r) => r.totalCost.toFixed(2)) +
    '</tbody></table><div>break-even: ' + esc(x.breakEvenNote) + '</div>' + charts.cost + charts.time +
    '<div class="legend">figures: the defaults table and the server\'s site settings; every figure and its source in /api/plan/compare</div>';
}
async function planForm() {
  const [c, i] = await Promise.all([api('/api/chips'), api('/api/images')]);
  $('#plan-chips').innerHTML = c.chips.map((x) => '<option value="' + esc(x.part) + '">' + esc(x.kind + ' ' + x.package) + '</option>').join('');
  $('#plan-image').innerHTML = '<option value="">(size below)</option>' + i.images.map((x) => '<option value="' + esc(x.sha256) + '">' + esc(x.path.split('/').pop() + ' · ' + x.size + ' B') + '</option>').join('');
  for (const x of i.images) imageSizes.set(x.sha256, x.size);
  $('#plan-isp').innerHTML += ${JSON.stringify(ISP_INTERFACES)}.map((v) => '<option>' + v + '</option>').join('');
  $('#plan-form').addEventListener('submit', plan);
}
load().then(connect).catch((e) => { $('#updated').textContent = 'error: ' + e.message; });
planForm().catch(() => {});
setInterval(() => load().catch(() => {}), 30000);
`;
