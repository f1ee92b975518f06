import os from 'node:os';
import type { Db } from '../db/open.js';
import { pidExists } from '../host/pid.js';
import { RunStore, type RunRow } from '../store/runs.js';

/** Words for how a run ended (`runs.end_reason`), as `lot show` says them. */
const ENDED: Record<string, string> = {
  done: 'done',
  'yield-stop': 'the lot yield fell below the stop limit (--stop-yield)',
  interrupted: 'the operator stopped it (Ctrl-C / SIGTERM)',
  'no-sites': 'no usable site was left (disabled, worn out or no fitting adapter)',
  'db-error': 'the database could not be written',
  'lease-lost': 'another run took its programmers over',
  'serial-exhausted': 'the serial rule has no value left',
};

/** A lot's status as the database tells it, with why it stopped and who ran it last. */
export interface LotState {
  status: string;
  /** Why the lot is stopped (or that its last run did not close), null when open, running or done. */
  reason: string | null;
  lastRun: Pick<RunRow, 'operator' | 'engineering' | 'startedAt' | 'endedAt' | 'endReason' | 'gangflashVersion'> | null;
}

/**
 * The status of a lot from its row and its last run: a lot left `running` by a run that was killed (its process is
 * gone) is `stopped`, saying so; a stopped lot says why its last run ended.
 */
export function lotState(db: Db, lot: string, stored: string): LotState {
  const last = new RunStore(db).ofLot(lot).at(-1);
  const lastRun = last
    ? { operator: last.operator, engineering: last.engineering, startedAt: last.startedAt, endedAt: last.endedAt, endReason: last.endReason, gangflashVersion: last.gangflashVersion }
    : null;
  if (stored === 'running' && last && last.endedAt === null && last.host === os.hostname() && !pidExists(last.pid)) {
    return { status: 'stopped', reason: 'its last run ended without closing (killed, crashed or a power cut); run the lot again to resume', lastRun };
  }
  if (stored === 'stopped' && last?.endReason) return { status: stored, reason: ENDED[last.endReason] ?? last.endReason, lastRun };
  return { status: stored, reason: null, lastRun };
}
