import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { intOption, QUANTITY } from '../../strict-number.js';
import { loadFarmFile } from '../../farm/index.js';
import { imageStatsOfFile } from '../../planning/image-stats.js';
import { planLot } from '../../planning/plan.js';
import type { LotPlan, PlanRequest } from '../../planning/types.js';
import { dbPath, withDb } from '../context.js';
import { hubPlanHistory } from '../../planning/hub-history.js';
import { withHub } from '../hub-context.js';
import { getChip } from '../../catalog/chips.js';
import { compareSetup, runCompare, type CompareOpts } from '../plan-compare.js';
import { printJson, say, table } from '../output.js';
import { checkOutFile } from '../out-file.js';

interface PlanOpts {
  chip: string; image: string; qty: string; farm?: string; by?: string; hoursPerDay: string; handlingSeconds: string;
  siteBandwidth?: string; cycleSeconds?: string; minHistory: string; json?: boolean; hub?: string | boolean;
  compare?: string; settings?: string; ispInterface?: string; ispChannels?: string; ispFixtures?: string; format?: string; out?: string;
}

/** A plain decimal number (digits, optionally a fraction; no exponent or hex) from 0 to `max`; whole when `int`. */
function num(flag: string, v: string | undefined, int = false, max = 1e9): number | undefined {
  if (v === undefined) return undefined;
  if (int) return intOption(flag, v, { min: 0, max });
  const n = /^\s*\d{1,12}(\.\d{1,9})?\s*$/.test(v) ? Number(v) : NaN;
  if (!(n >= 0 && n <= max)) throw new UsageError('bad-number', `${flag} ${v}: give a decimal number from 0 to ${max}`);
  return n;
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

function printPlan(p: LotPlan): void {
  say(`${p.qty} × ${p.chip.part} (${p.chip.kind}, ${p.chip.package} ${p.chip.body}), image ${p.image.size} B (${p.image.programmedBytes} B programmed)`);
  say(`adapter types that fit: ${p.adapterTypes.map((t) => `${t.id} (own ${t.owned}, mounted ${t.mounted}, shelf ${t.onShelf}, ${t.healthySites} healthy sites)`).join('; ') || 'none'}`);
  say(`healthy sites today: ${p.sites.healthy} of ${p.sites.considered}`);
  say(`time per cycle: ${p.cycle.seconds.toFixed(2)} s from ${p.cycle.basis} (${p.cycle.detail})`);
  say(`insertions: ${p.insertions.total} (${p.insertions.perDevice.toFixed(3)} per device, ${p.insertions.basis})`);
  say(p.cycles === null ? 'cycles: none possible: no healthy site for this part' : `cycles: ${p.cycles} × ${p.devicesPerCycle} devices = ${p.hours!.toFixed(2)} h (around the clock: done ${p.finishesAt})`);
  say(`expected good parts: ${p.expectedGood} at ${pct(p.yield.value)} yield (${p.yield.basis}${p.yield.devices ? `, ${p.yield.devices} devices` : ''})`);
  if (p.deadline) {
    const d = p.deadline;
    say(`by ${d.by} at ${d.hoursPerDay} h/day: ${d.feasible ? 'YES' : 'NO'}: ${d.availableHours.toFixed(1)} h available, ${d.neededHours === null ? 'no sites' : `${d.neededHours.toFixed(1)} h needed`}; ` +
      `${d.sitesNeeded === null ? 'not even one cycle fits' : `${d.sitesNeeded} healthy sites needed (${d.sitesMissing} missing)`}`);
  }
  if (p.adapters.length) {
    say();
    say(table(p.adapters, [
      { header: 'adapter', get: (a) => a.serial },
      { header: 'type', get: (a) => a.type },
      { header: 'on', get: (a) => a.programmer },
      { header: 'sites', get: (a) => a.sites, align: 'right' },
      { header: 'left', get: (a) => a.left, align: 'right' },
      { header: 'plan uses', get: (a) => a.planUses, align: 'right' },
      { header: 'left after', get: (a) => a.leftAfter, align: 'right' },
      { header: 'rated life', get: (a) => (a.passesLife ? `passed at cycle ${a.reachesLifeAtCycle}` : 'ok') },
    ]));
  }
  say();
  say(p.order.length ? `order: ${p.order.map((o) => `${o.quantity} × ${o.adapterType} (${o.reason})`).join('; ')}` : 'order: nothing');
}

/** `gangflash plan`: can the farm program N of a part with an image (by a date), and what must be ordered. */
export function register(program: Command): void {
  program
    .command('plan')
    .description('capacity plan: fitting adapters, healthy sites, time per cycle, hours, expected good parts, adapter wear, what to order')
    .requiredOption('--chip <part>', 'part number')
    .requiredOption('--image <file>', 'image file (raw, Intel HEX, S-record, Android sparse, optionally .gz)')
    .requiredOption('--qty <n>', 'devices to program')
    .option('--farm <file>', 'farm.json: plan on its programmers only (default: every programmer in the database)')
    .option('--by <date>', 'deadline: YYYY-MM-DD or a weekday name (e.g. friday)')
    .option('--hours-per-day <h>', 'hours the farm runs per day, for --by', '24')
    .option('--handling-seconds <s>', 'insert + remove time per cycle', '8')
    .option('--site-bandwidth <bytes/s>', 'programmer bandwidth per site (default: unlimited)')
    .option('--cycle-seconds <s>', 'time per cycle to use instead of history or datasheet (handling included)')
    .option('--min-history <n>', 'attempts/devices of history needed before it is used', '20')
    .option('--json', 'print the plan as JSON')
    .option('--hub [url]', "the chip's history (yield, insertions, attempt durations) from every station's uploads on the hub (default: $GANGFLASH_HUB)")
    .option('--compare <route>', 'isp: compare offline on this farm with in-system programming after assembly (time, cost, break-even, recommendation)')
    .option('--settings <file>', 'with --compare: site settings JSON (labour, station, line rates, fixture and ISP figures)')
    .option('--isp-interface <name>', 'with --compare: swd | swd-dap | jtag | spi | uart | usb-emmc | emmc-hs400 (default: settings, else swd)')
    .option('--isp-channels <n>', 'with --compare: targets one in-system fixture programs at once')
    .option('--isp-fixtures <n>', 'with --compare: in-system fixtures the line will use')
    .option('--format <f>', 'with --compare: text | json | html (default text)')
    .option('--out <file>', 'with --compare: write the JSON or HTML to this file')
    .action(async function (this: Command, o: PlanOpts) {
      const qty = intOption('--qty', o.qty, QUANTITY);
      const compareOnly = [o.settings, o.ispInterface, o.ispChannels, o.ispFixtures, o.format, o.out].some((v) => v !== undefined);
      if (o.compare === undefined && compareOnly) throw new UsageError('compare-only', '--settings, --isp-*, --format and --out go with --compare isp');
      const compare = o.compare === undefined ? undefined : compareSetup(o as PlanOpts & CompareOpts);
      if (compare?.out !== undefined) checkOutFile(path.resolve(compare.out), dbPath(this));
      let programmers: string[] | undefined;
      if (o.farm) programmers = loadFarmFile(path.resolve(o.farm)).programmers.map((p) => p.serial);
      const image = await imageStatsOfFile(path.resolve(o.image));
      const req: PlanRequest = {
        chip: o.chip, image, qty, programmers,
        by: o.by,
        hoursPerDay: num('--hours-per-day', o.hoursPerDay, false, 24),
        handlingSec: num('--handling-seconds', o.handlingSeconds),
        siteBytesPerSec: num('--site-bandwidth', o.siteBandwidth),
        cycleSeconds: num('--cycle-seconds', o.cycleSeconds),
        minHistory: num('--min-history', o.minHistory, true, 1_000_000),
      };
      if (compare && o.hub) throw new UsageError('compare-hub', '--compare isp plans from this station\'s journal only: leave out --hub');
      if (compare) return withDb(this, (db) => runCompare(db, req, compare));
      // The chip is resolved on this station (an unknown part is refused before the hub is asked).
      const part = o.hub ? withDb(this, (db) => getChip(db, o.chip).part) : undefined;
      const history = part ? await withHub(this, (hub) => hubPlanHistory(hub, part, image.sha256)) : undefined;
      const plan = withDb(this, (db) => planLot(db, req, history));
      if (o.json) printJson(plan);
      else printPlan(plan);
    });
}
