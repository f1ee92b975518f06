import { say, table } from './output.js';
import type { YieldReport } from '../stats/yield.js';

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '-' : `${(v * 100).toFixed(1)}%`);

/** Prints a yield report as `stats yield` does (the same for a station's database and for the hub). */
export function printYield(r: YieldReport): void {
  const by = r.by;
  say(`${r.lot ? `lot ${r.lot}: ` : ''}${r.devices} devices finished, final yield ${pct(r.finalYield)}, first-pass yield ${pct(r.firstPassYield)}`);
  say();
  if (by !== 'failure') {
    say(table(r.rows, [
      { header: by, get: (x) => x.key },
      { header: ['lot', 'chip'].includes(by) ? 'devices' : 'attempts', get: (x) => x.n, align: 'right' },
      { header: 'passed', get: (x) => x.passed, align: 'right' },
      { header: 'yield', get: (x) => pct(x.yield), align: 'right' },
      ...(['lot', 'chip'].includes(by) ? [{ header: 'first pass', get: (x: (typeof r.rows)[number]) => pct(x.firstPass), align: 'right' as const }] : []),
      { header: '95% CI', get: (x) => (x.ci ? `${pct(x.ci.low)}–${pct(x.ci.high)}` : '') },
      ...(by === 'site' ? [{ header: 'flag', get: (x: (typeof r.rows)[number]) => (x.flagged ? 'LOW' : '') }] : []),
    ]));
    say();
  }
  say(r.failures.length ? table(r.failures, [
    { header: 'failure', get: (f) => f.code },
    { header: 'stage', get: (f) => f.stage },
    { header: 'devices', get: (f) => f.devices, align: 'right' },
    { header: 'attempts', get: (f) => f.attempts, align: 'right' },
  ]) : 'no failures');
}
