import type { Db } from '../db/open.js';
import { atomically } from './atomic.js';
import { statements } from './statements.js';

const FAMILY = {};

/** A run of a lot as recorded. */
export interface RunRow {
  id: number;
  lotId: string;
  jobId: number;
  operator: string;
  engineering: boolean;
  host: string;
  pid: number;
  gangflashVersion: string;
  nodeVersion: string;
  startedAt: string;
  endedAt: string | null;
  endReason: string | null;
}

const COLS = `id, lot_id AS lotId, job_id AS jobId, operator, engineering = 1 AS engineering, host, pid, gangflash_version AS gangflashVersion,
  node_version AS nodeVersion, started_at AS startedAt, ended_at AS endedAt, end_reason AS endReason`;

/** The statements of the `runs` table, prepared once per connection. */
export class RunStore {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = statements(db, FAMILY, (d) => ({
      start: d.prepare(`INSERT INTO runs (lot_id, job_id, operator, engineering, host, pid, gangflash_version, node_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
      end: d.prepare(`UPDATE runs SET ended_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), end_reason = ? WHERE id = ?`),
      ofLot: d.prepare(`SELECT ${COLS} FROM runs WHERE lot_id = ? ORDER BY id`),
      byId: d.prepare(`SELECT ${COLS} FROM runs WHERE id = ?`),
      unclosed: d.prepare(`SELECT ${COLS} FROM runs WHERE ended_at IS NULL ORDER BY id`),
    }));
  }

  /** Records the start of a run; returns its id. */
  start(r: Omit<RunRow, 'id' | 'startedAt' | 'endedAt' | 'endReason'>): number {
    return Number(this.s.start.run(r.lotId, r.jobId, r.operator, r.engineering ? 1 : 0, r.host, r.pid, r.gangflashVersion, r.nodeVersion).lastInsertRowid);
  }

  /** Records how a run ended. */
  end(id: number, reason: string): void {
    this.s.end.run(reason, id);
  }

  /** Records that several runs ended the same way, in one transaction. */
  endAll(ids: readonly number[], reason: string): void {
    atomically(this.db, () => ids.forEach((id) => this.s.end.run(reason, id)));
  }

  /** Every run of a lot, oldest first. */
  ofLot(lot: string): RunRow[] {
    return (this.s.ofLot.all(lot) as (Omit<RunRow, 'engineering'> & { engineering: number })[]).map((r) => ({ ...r, engineering: r.engineering === 1 }));
  }

  /** Runs with no recorded end: running now, or killed or crashed before they could close. */
  unclosed(): RunRow[] {
    return (this.s.unclosed.all() as (Omit<RunRow, 'engineering'> & { engineering: number })[]).map((r) => ({ ...r, engineering: r.engineering === 1 }));
  }

  /** One run. */
  byId(id: number): RunRow | undefined {
    const r = this.s.byId.get(id) as (Omit<RunRow, 'engineering'> & { engineering: number }) | undefined;
    return r && { ...r, engineering: r.engineering === 1 };
  }
}
