import type { Db } from '../db/open.js';
import { statements } from './statements.js';

/** A serial rule as stored. */
export interface RuleRow {
  id: number;
  name: string;
  /** The rule document (JSON text; parse with src/serials/rule.ts). */
  spec: string;
  /** {file: sha256} of the list files the rule reads (JSON text). */
  pins: string;
  nextK: number;
  cursor: string | null;
  createdBy: string | null;
  createdAt: string;
}

/** One value of a rule's ledger. */
export interface LedgerRow {
  ruleId: number;
  k: number;
  value: string;
  /** JSON [{name, text, writes: [{offset, hex}]}]. */
  data: string;
  state: 'allocated' | 'written' | 'committed' | 'voided' | 'returned';
  lotId: string | null;
  reelId: string | null;
  seq: number | null;
  attempt: number | null;
  reason: string | null;
  at: string;
}

const RULE = `id, name, spec, pins, next_k AS nextK, cursor, created_by AS createdBy, created_at AS createdAt`;
const ROW = `rule_id AS ruleId, k, value, data, state, lot_id AS lotId, reel_id AS reelId, seq, attempt, reason, at`;

const FAMILY = {};

function prepare(db: Db) {
  const p = (sql: string) => db.prepare(sql);
  return {
    insertRule: p(`INSERT INTO serial_rules (name, spec, pins, created_by) VALUES (?, ?, ?, ?)`),
    ruleByName: p(`SELECT ${RULE} FROM serial_rules WHERE name = ?`),
    ruleById: p(`SELECT ${RULE} FROM serial_rules WHERE id = ?`),
    rules: p(`SELECT ${RULE} FROM serial_rules ORDER BY name`),
    advance: p(`UPDATE serial_rules SET next_k = ?, cursor = ? WHERE id = ?`),
    holder: p(`SELECT ${ROW} FROM serial_ledger WHERE rule_id = ? AND lot_id = ? AND reel_id = ? AND seq = ? AND state IN ('allocated', 'written', 'committed')`),
    firstReturned: p(`SELECT ${ROW} FROM serial_ledger WHERE rule_id = ? AND state = 'returned' ORDER BY k LIMIT 1`),
    insertValue: p(`INSERT INTO serial_ledger (rule_id, k, value, data, state, lot_id, reel_id, seq, attempt, at) VALUES (?, ?, ?, ?, 'allocated', ?, ?, ?, ?, ?)`),
    reissue: p(`UPDATE serial_ledger SET state = 'allocated', lot_id = ?, reel_id = ?, seq = ?, attempt = ?, reason = NULL, at = ? WHERE rule_id = ? AND k = ?`),
    setState: p(`UPDATE serial_ledger SET state = ?, reason = ?, attempt = coalesce(?, attempt), at = ? WHERE rule_id = ? AND k = ?`),
    release: p(`UPDATE serial_ledger SET state = 'returned', reason = ?, lot_id = NULL, reel_id = NULL, seq = NULL, attempt = NULL, at = ? WHERE rule_id = ? AND k = ?`),
    openOfLot: p(`SELECT ${ROW} FROM serial_ledger WHERE lot_id = ? AND state IN ('allocated', 'written')`),
    counts: p(`SELECT state, count(*) AS n FROM serial_ledger WHERE rule_id = ? GROUP BY state`),
    returned: p(`SELECT count(*) AS n FROM serial_ledger WHERE rule_id = ? AND state = 'returned'`),
    byValue: p(`SELECT ${ROW} FROM serial_ledger WHERE value = ? ORDER BY rule_id`),
    byDevice: p(`SELECT ${ROW} FROM serial_ledger WHERE lot_id = ? AND reel_id = ? AND seq = ? ORDER BY k`),
    ofLot: p(`SELECT ${ROW} FROM serial_ledger WHERE lot_id = ? ORDER BY rule_id, k`),
    attachJob: p(`INSERT INTO job_serial_rules (rule_id, job_id) VALUES (?, ?) ON CONFLICT(job_id) DO UPDATE SET rule_id = excluded.rule_id`),
    detachJob: p(`DELETE FROM job_serial_rules WHERE job_id = ?`),
    ruleOfJob: p(`SELECT rule_id AS id FROM job_serial_rules WHERE job_id = ?`),
    legacyMax: p(`SELECT max(s.n) AS n FROM serials s JOIN lots l ON l.id = s.lot_id JOIN jobs j ON j.id = l.job_id WHERE j.name = ?`),
  };
}

/** Every SQL statement of serial rules and the serial ledger, prepared once per connection. */
export class SerialStore {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = statements(db, FAMILY, prepare);
  }

  /** Adds a rule; returns its id. */
  addRule(name: string, spec: string, pins: string, by: string | null): number {
    return Number(this.s.insertRule.run(name, spec, pins, by).lastInsertRowid);
  }

  /** The rule named `name`. */
  ruleByName(name: string): RuleRow | undefined {
    return this.s.ruleByName.get(name) as RuleRow | undefined;
  }

  /** The rule with id `id`. */
  ruleById(id: number): RuleRow | undefined {
    return this.s.ruleById.get(id) as RuleRow | undefined;
  }

  /** Every rule, by name. */
  rules(): RuleRow[] {
    return this.s.rules.all() as RuleRow[];
  }

  /** Moves a rule's fresh-value index (and generator cursor) forward. */
  advance(ruleId: number, nextK: number, cursor: string | null): void {
    this.s.advance.run(nextK, cursor, ruleId);
  }

  /** The value a device holds under a rule (allocated, written or committed), if any. */
  holder(ruleId: number, lot: string, reel: string, seq: number): LedgerRow | undefined {
    return this.s.holder.get(ruleId, lot, reel, seq) as LedgerRow | undefined;
  }

  /** The returned value with the lowest index, to issue again. */
  firstReturned(ruleId: number): LedgerRow | undefined {
    return this.s.firstReturned.get(ruleId) as LedgerRow | undefined;
  }

  /** Records a fresh value as allocated to a device; the UNIQUE index refuses a value issued before. */
  insertValue(ruleId: number, k: number, value: string, data: string, lot: string, reel: string, seq: number, attempt: number, at: string): void {
    this.s.insertValue.run(ruleId, k, value, data, lot, reel, seq, attempt, at);
  }

  /** Allocates a returned value to a device. */
  reissue(ruleId: number, k: number, lot: string, reel: string, seq: number, attempt: number, at: string): void {
    this.s.reissue.run(lot, reel, seq, attempt, at, ruleId, k);
  }

  /** Moves a value to `state` (the ledger's triggers refuse a backward move). */
  setState(ruleId: number, k: number, state: 'written' | 'committed' | 'voided', reason: string | null, attempt: number | null, at: string): void {
    this.s.setState.run(state, reason, attempt, at, ruleId, k);
  }

  /** Returns a value to its rule's pool, detached from its device. */
  release(ruleId: number, k: number, reason: string, at: string): void {
    this.s.release.run(reason, at, ruleId, k);
  }

  /** Values of a lot still allocated or written (open after a crash). */
  openOfLot(lot: string): LedgerRow[] {
    return this.s.openOfLot.all(lot) as LedgerRow[];
  }

  /** How many values of a rule are back in its pool (read from the partial index: proportional to that count only). */
  returnedCount(ruleId: number): number {
    return (this.s.returned.get(ruleId) as { n: number }).n;
  }

  /** How many values of a rule are in each state (reads the whole ledger of the rule: for reports, not the run). */
  counts(ruleId: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.s.counts.all(ruleId) as { state: string; n: number }[]) out[r.state] = r.n;
    return out;
  }

  /** Ledger rows with this value, under any rule. */
  byValue(value: string): LedgerRow[] {
    return this.s.byValue.all(value) as LedgerRow[];
  }

  /** Ledger rows that ever named this device. */
  byDevice(lot: string, reel: string, seq: number): LedgerRow[] {
    return this.s.byDevice.all(lot, reel, seq) as LedgerRow[];
  }

  /** Every ledger row of a lot. */
  ofLot(lot: string): LedgerRow[] {
    return this.s.ofLot.all(lot) as LedgerRow[];
  }

  /** Points a job at its serial rule. */
  attachJob(jobId: number, ruleId: number): void {
    this.s.attachJob.run(ruleId, jobId);
  }

  /** Forgets a job's rule (a job version changed in place before any lot used it). */
  detachJob(jobId: number): void {
    this.s.detachJob.run(jobId);
  }

  /** The serial rule a job uses, if any. */
  ruleOfJob(jobId: number): number | null {
    return (this.s.ruleOfJob.get(jobId) as { id: number | null } | undefined)?.id ?? null;
  }

  /** The highest serial number the per-lot numbering of schema 3 issued under jobs of this name (null: none). */
  legacyMax(jobName: string): number | null {
    return (this.s.legacyMax.get(jobName) as { n: number | null }).n;
  }

  /** Runs `fn` in one IMMEDIATE transaction. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }
}
