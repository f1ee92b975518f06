import Database from 'better-sqlite3';
import { runCli } from '../../test/helpers/cli.js';

/** What the database says about a lot, and every rule it breaks. */
export interface LotState {
  planned: number;
  devices: number;
  passed: number;
  failed: number;
  attempts: number;
  reservedSerials: number;
  violations: string[];
}

const one = (db: Database.Database, sql: string, ...args: unknown[]) => db.prepare(sql).pluck().get(...args) as number;

/**
 * Checks the rules that must hold at every moment between runs: integrity_check ok, one row per device, no serial
 * given twice, every failed device with a failure code, at most two insertions per device, serials used or voided
 * exactly once per finished device, and (when `final`) the lot complete with a contiguous serial sequence.
 */
export function checkLot(dbFile: string, lot: string, serial: { start: number; step: number } | null, final = false): LotState {
  const v: string[] = [];
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') v.push(`integrity_check: ${String(integrity)}`);
    const planned = one(db, 'SELECT coalesce(sum(quantity), 0) FROM reels WHERE lot_id = ?', lot);
    const devices = one(db, 'SELECT count(*) FROM devices WHERE lot_id = ?', lot);
    const passed = one(db, "SELECT count(*) FROM devices WHERE lot_id = ? AND result = 'pass'", lot);
    const failed = one(db, "SELECT count(*) FROM devices WHERE lot_id = ? AND result = 'fail'", lot);
    const attempts = one(db, 'SELECT count(*) FROM attempts WHERE lot_id = ?', lot);
    const distinct = one(db, "SELECT count(DISTINCT reel_id || '/' || seq) FROM devices WHERE lot_id = ?", lot);
    if (distinct !== devices) v.push(`${devices - distinct} duplicate device rows`);
    if (devices > planned) v.push(`${devices} device rows for a lot of ${planned}`);
    const dupSerials = one(db, 'SELECT count(*) FROM (SELECT serial FROM devices WHERE lot_id = ? AND serial IS NOT NULL GROUP BY serial HAVING count(*) > 1)', lot);
    if (dupSerials) v.push(`${dupSerials} serial numbers written on more than one device`);
    const noCode = one(db, "SELECT count(*) FROM devices WHERE lot_id = ? AND result = 'fail' AND failure_code IS NULL", lot);
    if (noCode) v.push(`${noCode} failed devices without a failure code`);
    // Interrupted insertions (a run ended while the device was in the socket) are insertions, not tries.
    const over = one(db, "SELECT count(*) FROM (SELECT 1 FROM attempts WHERE lot_id = ? AND result IN ('pass', 'fail') GROUP BY reel_id, seq HAVING count(*) > 2)", lot);
    if (over) v.push(`${over} devices with more than two finished attempts`);
    const orphan = one(db, 'SELECT count(*) FROM attempts a WHERE lot_id = ? AND a.attempt > 1 AND NOT EXISTS (SELECT 1 FROM attempts b WHERE b.lot_id = a.lot_id AND b.reel_id = a.reel_id AND b.seq = a.seq AND b.attempt = a.attempt - 1)', lot);
    if (orphan) v.push(`${orphan} retries without the attempt they retry`);
    const noAttempt = one(db, 'SELECT count(*) FROM devices d WHERE lot_id = ? AND NOT EXISTS (SELECT 1 FROM attempts a WHERE a.lot_id = d.lot_id AND a.reel_id = d.reel_id AND a.seq = d.seq)', lot);
    if (noAttempt) v.push(`${noAttempt} device rows without an attempt`);
    let reservedSerials = 0;
    if (serial) {
      // The whole ledger of the lot's rule: side lots of the same job draw from it too.
      const rows = db
        .prepare(
          `SELECT k, value, state, lot_id || '/' || reel_id || '/' || seq AS dev FROM serial_ledger
            WHERE rule_id = (SELECT jr.rule_id FROM job_serial_rules jr JOIN lots l ON l.job_id = jr.job_id WHERE l.id = ?) ORDER BY k`,
        )
        .all(lot) as { k: number; value: string; state: string; dev: string | null }[];
      reservedSerials = rows.filter((r) => (r.state === 'allocated' || r.state === 'written') && r.dev?.startsWith(`${lot}/`)).length;
      const held = rows.filter((r) => r.state === 'allocated' || r.state === 'written' || r.state === 'committed');
      if (new Set(held.map((r) => r.dev)).size !== held.length) v.push('a device holds two live serial values');
      const mismatch = one(db, "SELECT count(*) FROM devices d WHERE lot_id = ? AND result = 'pass' AND NOT EXISTS (SELECT 1 FROM serial_ledger s WHERE s.lot_id = d.lot_id AND s.value = d.serial AND s.state = 'committed' AND s.reel_id = d.reel_id AND s.seq = d.seq)", lot);
      if (mismatch) v.push(`${mismatch} passed devices whose serial is not committed to them in the ledger`);
      const committed = rows.filter((r) => r.state === 'committed' && r.dev?.startsWith(`${lot}/`)).length;
      if (committed !== passed) v.push(`${committed} committed serial values for ${passed} passed devices`);
      const voidedInPass = one(db, "SELECT count(*) FROM devices d JOIN serial_ledger s ON s.value = d.serial AND s.state = 'voided' WHERE d.lot_id = ? AND d.result = 'pass'", lot);
      if (voidedInPass) v.push(`${voidedInPass} passed devices hold a voided value`);
      const gaps = rows.some((r, i) => r.k !== i || r.value !== `CH${String(serial.start + i * serial.step).padStart(6, '0')}`);
      if (gaps) v.push('the ledger is not one sequence from the rule start (a value skipped or issued twice)');
    }
    if (final) {
      if (devices !== planned) v.push(`lot ends with ${devices} device rows, not its quantity ${planned}`);
      if (reservedSerials) v.push(`${reservedSerials} serials still reserved at the end`);
      const open = one(db, "SELECT count(*) FROM attempts WHERE lot_id = ? AND result = 'in-socket'", lot);
      if (open) v.push(`${open} attempts still in-socket at the end`);
    }
    return { planned, devices, passed, failed, attempts, reservedSerials, violations: v };
  } finally {
    db.close();
  }
}

/** Compares `gangflash lot show --json` counters with the rows; returns the differences. */
export function countersMatchRows(dbFile: string, lot: string, s: LotState): string[] {
  const r = runCli(['--db', dbFile, 'lot', 'show', lot, '--json']);
  if (r.code !== 0) return [`lot show failed (${r.code}): ${r.stderr.trim()}`];
  const doc = JSON.parse(r.stdout) as Record<string, unknown> & { counters?: Record<string, number> };
  const c = (doc.counters ?? doc) as Record<string, number>;
  const out: string[] = [];
  for (const [k, want] of [['planned', s.planned], ['passed', s.passed], ['failed', s.failed], ['remaining', s.planned - s.devices]] as const) {
    if (c[k] !== want) out.push(`lot show ${k} = ${c[k]}, rows say ${want}`);
  }
  return out;
}
