import type { Db } from '../db/open.js';
import type { DeviceRef } from './events.js';
import { formatSerial, type SerialRule } from '../jobs/serial.js';

/**
 * Serial numbers of a lot. A number is reserved for a device in the transaction that starts its cycle, marked used
 * in the transaction that records it as passed, or voided (with the reason) when it finally fails. A retried or
 * resumed device reuses its reserved number, so none is given twice and none is skipped silently.
 */
export class SerialBook {
  private readonly existing;
  private readonly maxN;
  private readonly insert;
  private readonly setState;

  constructor(private readonly db: Db, private readonly lot: string, private readonly rule: SerialRule) {
    this.existing = db.prepare(`SELECT serial FROM serials WHERE lot_id = ? AND reel_id = ? AND seq = ? AND state <> 'void'`);
    this.maxN = db.prepare('SELECT max(n) AS n FROM serials WHERE lot_id = ?');
    this.insert = db.prepare(`INSERT INTO serials (lot_id, serial, n, reel_id, seq, state) VALUES (?, ?, ?, ?, ?, 'reserved')`);
    this.setState = db.prepare('UPDATE serials SET state = ?, reason = ?, at = ? WHERE lot_id = ? AND serial = ?');
  }

  /** Reserves (or finds the reserved) serial of each device; call inside a transaction. */
  reserve(devices: DeviceRef[]): Map<DeviceRef, string> {
    const out = new Map<DeviceRef, string>();
    let next: number | undefined;
    for (const d of devices) {
      const have = this.existing.get(this.lot, d.reel, d.seq) as { serial: string } | undefined;
      if (have) {
        out.set(d, have.serial);
        continue;
      }
      if (next === undefined) {
        const m = (this.maxN.get(this.lot) as { n: number | null }).n;
        next = m === null ? this.rule.start : m + this.rule.step;
      } else next += this.rule.step;
      const s = formatSerial(this.rule, next);
      this.insert.run(this.lot, s, next, d.reel, d.seq);
      out.set(d, s);
    }
    return out;
  }

  /** Marks a device's serial used (it passed) or void (it finally failed); call inside the recording transaction. */
  settle(serial: string, state: 'used' | 'void', reason: string | null, at: string): void {
    this.setState.run(state, reason, at, this.lot, serial);
  }
}
