import type { Command } from 'commander';
import { withDb } from '../context.js';
import { printJson, say, table } from '../output.js';
import { yieldReport, type YieldBy } from '../../stats/yield.js';
import { UsageError } from '../../errors.js';
import { lotCounters } from '../../lots/counters.js';

const BY: YieldBy[] = ['lot', 'chip', 'programmer', 'site', 'adapter', 'failure'];
const pct = (v: number | null | undefined) => (v === null || v === undefined ? '-' : `${(v * 100).toFixed(1)}%`);

/** `gangflash stats yield`. */
export function register(program: Command): void {
  const stats = program.command('stats').description('yield and failure statistics from the recorded attempts');
  stats
    .command('yield')
    .description('first-pass and final yield, failures by code and stage, per-site confidence intervals')
    .option('--lot <lot>', 'only this lot')
    .option('--by <group>', `group by ${BY.join('|')}`, 'lot')
    .option('--json', 'print as JSON')
    .action(function (this: Command, opts: { lot?: string; by: string; json?: boolean }) {
      if (!BY.includes(opts.by as YieldBy)) throw new UsageError('bad-option', `--by must be one of ${BY.join(', ')} (got "${opts.by}")`);
      const r = withDb(this, (db) => {
        if (opts.lot) lotCounters(db, opts.lot); // refuses an unknown lot with the known ones
        return yieldReport(db, opts.by as YieldBy, opts.lot);
      });
      if (opts.json) return printJson(r);
      say(`${r.lot ? `lot ${r.lot}: ` : ''}${r.devices} devices finished, final yield ${pct(r.finalYield)}, first-pass yield ${pct(r.firstPassYield)}`);
      say();
      if (opts.by !== 'failure') {
        say(table(r.rows, [
          { header: opts.by, get: (x) => x.key },
          { header: ['lot', 'chip'].includes(opts.by) ? 'devices' : 'attempts', get: (x) => x.n, align: 'right' },
          { header: 'passed', get: (x) => x.passed, align: 'right' },
          { header: 'yield', get: (x) => pct(x.yield), align: 'right' },
          ...(['lot', 'chip'].includes(opts.by) ? [{ header: 'first pass', get: (x: (typeof r.rows)[number]) => pct(x.firstPass), align: 'right' as const }] : []),
          { header: '95% CI', get: (x) => (x.ci ? `${pct(x.ci.low)}–${pct(x.ci.high)}` : '') },
          ...(opts.by === 'site' ? [{ header: 'flag', get: (x: (typeof r.rows)[number]) => (x.flagged ? 'LOW' : '') }] : []),
        ]));
        say();
      }
      say(r.failures.length ? table(r.failures, [
        { header: 'failure', get: (f) => f.code },
        { header: 'stage', get: (f) => f.stage },
        { header: 'devices', get: (f) => f.devices, align: 'right' },
        { header: 'attempts', get: (f) => f.attempts, align: 'right' },
      ]) : 'no failures');
    });
}
