import type { Command } from 'commander';
import { withDb } from '../context.js';
import { printJson, say, table } from '../output.js';
import { parseSince } from '../since.js';
import { listEvents, type EventRow } from '../../store/event-log.js';
import { lotCounters } from '../../lots/counters.js';
import { UsageError } from '../../errors.js';
import { intOption } from '../../strict-number.js';

function kind(v: string): 'alarm' | 'audit' {
  if (v !== 'alarm' && v !== 'audit') throw new UsageError('bad-option', `--kind must be "alarm" or "audit" (got "${v}")`);
  return v;
}

function count(v: string): number {
  return intOption('--limit', v, { min: 1, max: 100_000_000 });
}

/** `gangflash alarms`: the recorded alarms and audit events (site disabled, adapter life, mounts, overrides…), newest last. */
export function register(program: Command): void {
  program
    .command('alarms')
    .description('recorded alarms and audit events (sites disabled, adapters at end of life, mounts, overrides), newest last')
    .option('--lot <lot>', 'only events of this lot')
    .option('--since <time>', 'only events from this time: 2026-11-27, 2026-11-27T08:00, or an age such as 30m, 8h, 2d')
    .option('--kind <kind>', 'only "alarm" or only "audit" events', kind)
    .option('--limit <n>', 'the newest N events', count, 1000)
    .option('--json', 'print as one JSON array')
    .action(function (this: Command, o: { lot?: string; since?: string; kind?: 'alarm' | 'audit'; limit: number; json?: boolean }) {
      const since = o.since === undefined ? undefined : parseSince(o.since);
      const rows = withDb(this, (db) => {
        if (o.lot !== undefined) lotCounters(db, o.lot);
        return listEvents(db, { lot: o.lot, since, kind: o.kind, limit: o.limit });
      });
      if (o.json) return printJson(rows);
      if (rows.length === 0) return say(`no events recorded${o.lot ? ` for lot ${o.lot}` : ''}${since ? ` since ${since}` : ''}`);
      say(
        table<EventRow>(rows, [
          { header: 'at', get: (r) => r.at },
          { header: 'kind', get: (r) => r.kind },
          { header: 'code', get: (r) => r.code },
          { header: 'lot', get: (r) => r.lot ?? '' },
          { header: 'site', get: (r) => (r.programmer ? `${r.programmer}${r.site === null ? '' : `:${r.site}`}` : '') },
          { header: 'adapter', get: (r) => r.adapter ?? '' },
          { header: 'message', get: (r) => r.message },
        ]),
      );
    });
}
