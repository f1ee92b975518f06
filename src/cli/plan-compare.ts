import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { Db } from '../db/open.js';
import { compareLot } from '../planning/compare-lot.js';
import type { RouteComparison, RouteFigures } from '../planning/compare-types.js';
import { ISP_INTERFACES, type IspInterface } from '../planning/isp-defaults.js';
import { costSettings, loadSiteSettings, type CostSettings } from '../planning/site-settings.js';
import type { PlanRequest } from '../planning/types.js';
import { renderCompareHtml } from '../report/compare-html.js';
import { intOption } from '../strict-number.js';
import { say, table } from './output.js';
import { outUnwritable } from './out-file.js';

/** The routes `plan --compare` knows. */
export const COMPARE_ROUTES = ['isp'] as const;

/** The options of `plan --compare isp`. */
export interface CompareOpts {
  compare: string;
  settings?: string;
  ispInterface?: string;
  ispChannels?: string;
  ispFixtures?: string;
  format?: string;
  out?: string;
  json?: boolean;
}

const FORMATS = ['text', 'json', 'html'] as const;

const route = (r: string) => (r === 'in-system' ? 'in system' : r);

/** The comparison as the lines `plan --compare isp` prints. */
export function comparisonText(c: RouteComparison): string[] {
  const lines: string[] = [];
  const say = (line = '') => lines.push(line);
  say(`${c.qty} × ${c.chip.part} (${c.chip.kind}), ${c.programmedBytes} B programmed per device: offline on today's farm or in system through ${c.inSystem.interface}`);
  if (c.deadline) say(`due ${c.deadline.by}: ${c.deadline.availableHours.toFixed(1)} working hours at ${c.deadline.hoursPerDay} h/day`);
  say();
  const f = (v: number) => v.toFixed(4);
  const both = (label: string, get: (r: RouteFigures) => string) => ({ label, offline: get(c.offline), inSystem: get(c.inSystem) });
  const rows = [
    both('s per device on a site/channel', (r) => r.secPerDevice.toFixed(2)),
    both('devices at once', (r) => String(r.parallel)),
    both('hours for the order', (r) => (r.hours === null ? 'no capacity' : r.hours.toFixed(1))),
    ...(c.deadline
      ? [both('needed for the date', (r) => `${r.forDate?.needed ?? 'none fit'}${r.forDate?.fixturesNeeded ? ` (${r.forDate.fixturesNeeded} fixtures)` : ''}`), both('meets the date', (r) => (r.forDate?.meetsDate ? 'yes' : 'no'))]
      : []),
    both('equipment / device', (r) => f(r.costPerDevice.equipment)),
    both('wear / device', (r) => f(r.costPerDevice.wear)),
    both('labour / device', (r) => f(r.costPerDevice.labour)),
    both('line / device', (r) => f(r.costPerDevice.line)),
    both('licence / device', (r) => f(r.costPerDevice.licence)),
    both('cost / device', (r) => f(r.costPerDevice.total)),
    both('to buy', (r) => r.fixedCost.toFixed(2)),
    both(`order total ${c.currency}`, (r) => r.totalCost.toFixed(2)),
  ];
  say(table(rows, [
    { header: '', get: (r) => r.label },
    { header: 'offline', get: (r) => r.offline, align: 'right' },
    { header: 'in system', get: (r) => r.inSystem, align: 'right' },
  ]));
  say();
  say(`offline time: ${c.offline.timeDetail}`);
  say(`in-system time: ${c.inSystem.timeDetail}`);
  say(`to buy offline: ${c.offline.fixedDetail}; in system: ${c.inSystem.fixedDetail}`);
  say(`break-even: ${c.breakEvenNote.replaceAll('in-system', 'in system')}`);
  say();
  say(`recommendation: ${route(c.recommendation.route)}`);
  for (const r of c.recommendation.reasons) say(`  ${r.decisive ? '*' : '-'} ${r.factor}${r.favours ? ` (${route(r.favours)})` : ''}: ${r.text}`);
  say('  (* decided it; every figure and its source: --json, field "figures")');
  return lines;
}

/** The comparison's settings and output format from the options, checked before the image is read. */
export function compareSetup(o: CompareOpts): { costs: CostSettings; format: (typeof FORMATS)[number]; out?: string } {
  if (!(COMPARE_ROUTES as readonly string[]).includes(o.compare)) throw new UsageError('bad-compare', `--compare ${o.compare}: give isp (in-system programming after assembly)`);
  const format = o.json ? 'json' : (o.format ?? 'text');
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError('bad-format', `--format ${format}: give one of ${FORMATS.join(', ')}`);
  if (o.ispInterface !== undefined && !(ISP_INTERFACES as readonly string[]).includes(o.ispInterface)) {
    throw new UsageError('bad-isp-interface', `--isp-interface ${o.ispInterface}: give one of ${ISP_INTERFACES.join(', ')}`);
  }
  const costs = costSettings(o.settings ? loadSiteSettings(path.resolve(o.settings)) : {}, o.settings ?? 'site settings', {
    interface: o.ispInterface as IspInterface | undefined,
    channels: o.ispChannels === undefined ? undefined : intOption('--isp-channels', o.ispChannels, { min: 1, max: 256 }),
    fixtures: o.ispFixtures === undefined ? undefined : intOption('--isp-fixtures', o.ispFixtures, { min: 1, max: 1000 }),
  });
  return { costs, format: format as (typeof FORMATS)[number], ...(o.out ? { out: o.out } : {}) };
}

/** `gangflash plan … --compare isp`: offline on today's farm vs in system, printed as text, JSON or HTML. */
export function runCompare(db: Db, req: PlanRequest, setup: ReturnType<typeof compareSetup>): void {
  const c = compareLot(db, req, setup.costs);
  if (setup.format === 'text') return say(comparisonText(c).join('\n'));
  const doc = setup.format === 'json' ? JSON.stringify(c, null, 2) + '\n' : renderCompareHtml(c, new Date().toISOString());
  if (setup.out) {
    try {
      fs.writeFileSync(setup.out, doc);
    } catch (e) {
      throw outUnwritable(e, path.resolve(setup.out)) ?? e;
    }
  }
  else process.stdout.write(doc);
}
