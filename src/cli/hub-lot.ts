import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { reelsOfLot } from '../hub/store/reels.js';
import { lotTotals } from '../hub/store/totals.js';
import { withHub } from './hub-context.js';
import { printJson, say, table } from './output.js';
import { yieldOf } from '../stats/yield-of.js';
import { hubLotStatus } from '../lots/counters.js';

const pct = (y: number | null) => (y === null ? '-' : `${(y * 100).toFixed(1)}%`);
const ago = (d: Date | null) => (d ? `${Math.max(0, Math.round((Date.now() - d.getTime()) / 1000))} s ago` : '-');

/** `lot show LOT --hub`: the lot across every station (the station table's columns, then one line per station and reel). */
export async function showHubLot(cmd: Command, lot: string, json: boolean): Promise<void> {
  const { totals, reels } = await withHub(cmd, async (hub) => ({ totals: await lotTotals(hub, lot), reels: await reelsOfLot(hub, lot) }));
  if (!totals) throw new UsageError('unknown-lot', `no lot "${lot}" on the hub; add it with \`gangflash lot import FILE --hub\``);
  const done = totals.total.passed + totals.total.failed;
  const status = hubLotStatus(totals.reels);
  const counters = {
    lot, job: totals.job, chip: totals.chip, status, reels: totals.reels.total, planned: totals.reels.quantity,
    passed: totals.total.passed, failed: totals.total.failed, remaining: totals.reels.quantity - done, yield: yieldOf(totals.total),
  };
  if (json) return printJson({ ...counters, stations: totals.stations, late: totals.total.late, conflicts: totals.total.conflicts, reelList: reels });
  say(table([counters], [
    { header: 'lot', get: (r) => r.lot },
    { header: 'job', get: (r) => r.job },
    { header: 'chip', get: (r) => r.chip },
    { header: 'status', get: (r) => r.status },
    { header: 'planned', get: (r) => r.planned, align: 'right' },
    { header: 'passed', get: (r) => r.passed, align: 'right' },
    { header: 'failed', get: (r) => r.failed, align: 'right' },
    { header: 'remaining', get: (r) => r.remaining, align: 'right' },
    { header: 'yield', get: (r) => pct(r.yield), align: 'right' },
  ]));
  if (totals.total.late > 0) say(`${totals.total.late} device(s) uploaded late by a fenced holder after a reel move, ${totals.total.conflicts} of them on a (reel, seq) the new holder recorded too (kept apart, counted once each)`);
  say();
  say(table(totals.stations, [
    { header: 'station', get: (s) => s.station },
    { header: 'devices', get: (s) => s.devices, align: 'right' },
    { header: 'passed', get: (s) => s.passed, align: 'right' },
    { header: 'failed', get: (s) => s.failed, align: 'right' },
    { header: 'attempts', get: (s) => s.attempts, align: 'right' },
    { header: 'late', get: (s) => s.late, align: 'right' },
    { header: 'last upload', get: (s) => ago(s.lastUploadAt) },
  ]));
  say();
  say(table(reels, [
    { header: 'reel', get: (r) => r.reel },
    { header: 'quantity', get: (r) => r.quantity, align: 'right' },
    { header: 'state', get: (r) => r.state },
    { header: 'station', get: (r) => r.station ?? '-' },
    { header: 'epoch', get: (r) => r.epoch, align: 'right' },
    { header: 'recorded', get: (r) => r.recorded, align: 'right' },
    { header: 'heartbeat', get: (r) => ago(r.heartbeatAt) },
  ]));
}
