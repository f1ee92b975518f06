import type { Db } from '../db/open.js';
import { statements } from './statements.js';
import { atomicallyNow } from './atomic.js';
import { oldestPendingUnit, pendingUnits, pendingUnitsCapped, unionCursor, unitCursor, type UnitCursor } from './mes-units.js';

const FAMILY = {};

/** One message waiting in (or sent from) the MES outbox. */
export interface OutboxRow {
  id: number;
  uniqueId: string;
  messageName: string;
  timeStamp: string;
  lotId: string | null;
  body: string;
}

/** The station's MES settings as stored (credentials never are). */
export interface MesConfigRow {
  enabled: boolean;
  sink: 'amqp' | 'file';
  broker: string | null;
  address: string | null;
  folder: string | null;
  handle: string;
  target: string | null;
}

/** What is waiting to be published and what was sent. */
export interface OutboxCounts {
  pending: number;
  oldestPending: string | null;
  sentKept: number;
  lastSentAt: string | null;
  lastError: string | null;
}

/** A lot's job, image and reels as the MES messages describe them. */
export interface LotContext {
  job: string;
  version: number;
  imageSha256: string;
  reels: { reel: string; part: string; quantity: number; dateCode: string; passed: number; failed: number }[];
}

/** A run's constant parts of its unit messages (mes_runs). */
export interface MesRunRow {
  transactionId: string;
  recipe: string;
  imageSha256: string;
}

/** An adapter as its maintenance counter names it. */
export interface AdapterSocket {
  adapter: string;
  location: string | null;
  ratedInsertions: number | null;
  socketSince: string | null;
}

const COLS = `id, unique_id AS uniqueId, message_name AS messageName, time_stamp AS timeStamp, lot_id AS lotId, body`;
const SENT_THROUGH = `(SELECT sent_through FROM mes_publish_state WHERE id = 1)`;

/** Insertions a backlog reading counts at most (src/mes/backlog.ts reads it once a second on the recording thread). */
export const BACKLOG_CAP = 10_000;

/** Sent rows kept for `mes tail` and audits before they are pruned. */
export const SENT_KEPT = 10_000;

/** The statements of the MES outbox and its settings, prepared once per connection. */
export class OutboxStore {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = statements(db, FAMILY, (d) => OutboxStore.prepare(d));
  }

  private static prepare(db: Db) {
    return {
      add: db.prepare(`INSERT INTO mes_outbox (unique_id, message_name, time_stamp, lot_id, body) VALUES (?, ?, ?, ?, ?)`),
      // A packed row of n messages takes the next n ids (chipdb/migrations/010_mes_packed_rows.sql).
      addPacked: db.prepare(`INSERT INTO mes_outbox (id, unique_id, message_name, time_stamp, lot_id, body) VALUES ((SELECT coalesce(max(id), 0) FROM mes_outbox) + ?, ?, 'packed', ?, ?, ?)`),
      addRun: db.prepare(`INSERT INTO mes_runs (run_id, transaction_id, recipe, image_sha256) VALUES (?, ?, ?, ?)`),
      run: db.prepare(`SELECT transaction_id AS transactionId, recipe, image_sha256 AS imageSha256 FROM mes_runs WHERE id = ?`),
      runOf: db.prepare(`SELECT id FROM mes_runs WHERE run_id = ? ORDER BY id LIMIT 1`).pluck(),
      // A run's last record: its insertions (by the lot's index) and its alarms, else its start.
      lastActivity: db.prepare(
        `SELECT max(r.started_at,
           coalesce((SELECT max(coalesce(a.ended_at, a.started_at)) FROM attempts a WHERE a.lot_id = r.lot_id AND a.run_id = r.id), ''),
           coalesce((SELECT max(e.at) FROM events e WHERE e.lot_id = r.lot_id AND e.kind = 'alarm' AND e.at >= r.started_at
             AND e.at < coalesce((SELECT min(n.started_at) FROM runs n WHERE n.lot_id = r.lot_id AND n.id > r.id), '9')), ''))
         FROM runs r WHERE r.id = ?`,
      ).pluck(),
      // The alarms a run raised: its lot's, from its start to the next run's.
      runAlarms: db.prepare(
        `SELECT e.id, e.code FROM events e JOIN runs r ON r.id = ? WHERE e.lot_id = r.lot_id AND e.kind = 'alarm' AND e.at >= r.started_at
           AND e.at < coalesce((SELECT min(n.started_at) FROM runs n WHERE n.lot_id = r.lot_id AND n.id > r.id), '9') ORDER BY e.id`,
      ),
      pending: db.prepare(`SELECT ${COLS} FROM mes_outbox WHERE id > max(?, ${SENT_THROUGH}) ORDER BY id LIMIT ?`),
      sent: db.prepare(
        `UPDATE mes_publish_state SET sent_through = max(sent_through, coalesce(?, 0)), units_through = ?, units_open = ?, sent_at = ?, failures = 0, last_error = NULL WHERE id = 1`,
      ),
      moveUnits: db.prepare(`UPDATE mes_publish_state SET units_through = ?, units_open = ? WHERE id = 1`),
      failed: db.prepare(`UPDATE mes_publish_state SET failures = failures + 1, last_error = ? WHERE id = 1`),
      sentSince: db.prepare(`SELECT ${COLS} FROM mes_outbox WHERE id > ? AND id <= ${SENT_THROUGH} ORDER BY id LIMIT ?`),
      state: db.prepare(`SELECT sent_through AS sentThrough, sent_at AS lastSentAt, last_error AS lastError FROM mes_publish_state WHERE id = 1`),
      prune: db.prepare(`DELETE FROM mes_outbox WHERE id <= ?`),
      // Pending rows are never deleted and ids are never reused, so the backlog is the newest id less the cursor: O(1).
      backlog: db.prepare(
        `SELECT coalesce((SELECT max(id) FROM mes_outbox), 0) - s.sent_through AS pending, s.failures, s.last_error AS lastError FROM mes_publish_state s WHERE s.id = 1`,
      ),
      pendingOnly: db.prepare(`SELECT max(0, coalesce((SELECT max(id) FROM mes_outbox), 0) - ${SENT_THROUGH})`).pluck(),
      oldestPending: db.prepare(`SELECT time_stamp FROM mes_outbox WHERE id > ${SENT_THROUGH} ORDER BY id LIMIT 1`).pluck(),
      sentCount: db.prepare(`SELECT count(*) FROM mes_outbox WHERE id <= ${SENT_THROUGH}`).pluck(),
      lot: db.prepare(`SELECT j.name AS job, j.version, j.image_sha256 AS imageSha256 FROM lots l JOIN jobs j ON j.id = l.job_id WHERE l.id = ?`),
      reels: db.prepare(
        `SELECT r.reel_id AS reel, r.part, r.quantity, r.date_code AS dateCode,
           (SELECT count(*) FROM devices d WHERE d.lot_id = r.lot_id AND d.reel_id = r.reel_id AND d.result = 'pass') AS passed,
           (SELECT count(*) FROM devices d WHERE d.lot_id = r.lot_id AND d.reel_id = r.reel_id AND d.result = 'fail') AS failed
         FROM reels r WHERE r.lot_id = ? ORDER BY r.reel_id`,
      ),
      newest: db.prepare(`SELECT time_stamp FROM mes_outbox ORDER BY id DESC LIMIT 1`).pluck(),
      adapter: db.prepare(
        `SELECT a.serial AS adapter, p.name || '.' || a.site AS location, (SELECT rated_insertions FROM adapter_types t WHERE t.id = a.adapter_type) AS ratedInsertions,
           CASE WHEN EXISTS (SELECT 1 FROM socket_replacements r WHERE r.adapter_id = a.id) THEN a.socket_since END AS socketSince
         FROM adapters a LEFT JOIN programmers p ON p.id = a.programmer_id WHERE a.id = ?`,
      ),
      // Alarms of a site, or of an adapter, raised after the act that last cleared them (the site's last enable, the
      // adapter's last socket replacement): the faults still open. Operator acts only, never on the recording path.
      openSiteFaults: db.prepare(
        `SELECT id FROM events WHERE kind = 'alarm' AND code = ? AND programmer_id = ? AND site = ?
           AND id > coalesce((SELECT max(id) FROM events WHERE kind = 'audit' AND code = 'site-enabled' AND programmer_id = ? AND site = ?), 0) ORDER BY id`,
      ).pluck(),
      openAdapterFaults: db.prepare(
        `SELECT id FROM events WHERE kind = 'alarm' AND code = ? AND adapter_id = ?
           AND id > coalesce((SELECT max(id) FROM events WHERE kind = 'audit' AND code = 'socket-replaced' AND adapter_id = ?), 0) ORDER BY id`,
      ).pluck(),
      config: db.prepare(`SELECT enabled = 1 AS enabled, sink, broker, address, folder, handle, target FROM mes_config WHERE id = 1`),
      setConfig: db.prepare(
        `INSERT INTO mes_config (id, enabled, sink, broker, address, folder, handle, target) VALUES (1, @enabled, @sink, @broker, @address, @folder, @handle, @target)
         ON CONFLICT (id) DO UPDATE SET enabled = @enabled, sink = @sink, broker = @broker, address = @address, folder = @folder, handle = @handle, target = @target,
           updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
      ),
    };
  }

  /** Adds one message (call inside the transaction of the record it describes). */
  add(uniqueId: string, messageName: string, timeStamp: string, lotId: string | null, body: string): void {
    this.s.add.run(uniqueId, messageName, timeStamp, lotId, body);
  }

  /** Adds a packed row of `messages` messages (src/mes/packed-row.ts), in the transaction of the records they describe. */
  addPacked(messages: number, firstUniqueId: string, timeStamp: string, lotId: string | null, body: string): void {
    this.s.addPacked.run(messages, firstUniqueId, timeStamp, lotId, body);
  }

  /** Records a run's constant message parts; returns the id packed rows name them by. */
  addRun(runId: number | null, r: MesRunRow): number {
    return Number(this.s.addRun.run(runId, r.transactionId, r.recipe, r.imageSha256).lastInsertRowid);
  }

  /** A run's constant message parts by their id, or undefined. */
  mesRun(id: number): MesRunRow | undefined {
    return this.s.run.get(id) as MesRunRow | undefined;
  }

  /** The mes_runs id a recorded run wrote (it published: MES was on), or undefined. */
  mesRunOf(runId: number): number | undefined {
    return this.s.runOf.get(runId) as number | undefined;
  }

  /** When a run last recorded anything (an insertion or an alarm; its start when nothing), or undefined for no such run. */
  lastActivity(runId: number): string | undefined {
    return (this.s.lastActivity.get(runId) as string | null | undefined) ?? undefined;
  }

  /** The alarms a run raised (its lot's, between its start and the next run's), oldest first. */
  runAlarms(runId: number): { id: number; code: string }[] {
    return this.s.runAlarms.all(runId) as { id: number; code: string }[];
  }

  /** Up to `limit` unsent messages after id `after`, oldest first. */
  pending(limit: number, after = 0): OutboxRow[] {
    return this.s.pending.all(after, limit) as OutboxRow[];
  }

  /**
   * Counts a batch sent (the sink accepted all of it): every outbox row up to id `last` (null: none in the batch) and
   * the insertions up to `units` (src/store/mes-units.ts), joined with what another publisher recorded meanwhile; one
   * transaction per batch.
   */
  markSent(last: number | null, units: UnitCursor, at: string): void {
    atomicallyNow(this.db, () => {
      const u = unionCursor(unitCursor(this.db), units);
      this.s.sent.run(last, u.through, JSON.stringify(u.open), at);
    });
  }

  /** Moves the attempts cursor past insertions with nothing to send (in their socket, interrupted): nothing was sent. */
  moveUnits(units: UnitCursor): void {
    atomicallyNow(this.db, () => {
      const u = unionCursor(unitCursor(this.db), units);
      this.s.moveUnits.run(u.through, JSON.stringify(u.open));
    });
  }

  /** Records a failed send (the messages stay pending). */
  markFailed(error: string): void {
    this.s.failed.run(error.slice(0, 500));
  }

  /** Sent messages after id `after`, oldest first (what `mes tail` prints). */
  sentSince(after: number, limit: number): OutboxRow[] {
    return this.s.sentSince.all(after, limit) as OutboxRow[];
  }

  /** The id through which every message is sent, or 0. */
  lastSentId(): number {
    return (this.s.state.get() as { sentThrough: number }).sentThrough;
  }

  /** Deletes sent messages but the newest `keep` (at least 1: ids must never be reused); returns how many. */
  prune(keep = SENT_KEPT): number {
    const through = this.lastSentId() - Math.max(1, keep);
    return through > 0 ? this.s.prune.run(through).changes : 0;
  }

  /**
   * What waits to be published: the outbox's messages (in constant time: pending rows are never deleted, a row of n
   * messages takes n ids) and the finished insertions above the publisher's cursor (their unit messages).
   */
  pendingCount(): number {
    return (this.s.pendingOnly.get() as number) + pendingUnits(this.db);
  }

  /**
   * Messages waiting and the publisher's failures in a row, for views that refresh often: the insertions waiting are
   * counted up to `cap` (`capped`: there are more), so a long broker outage does not make each look longer.
   */
  backlog(cap = BACKLOG_CAP): { pending: number; capped: boolean; failures: number; lastError: string | null } {
    const b = this.s.backlog.get() as { pending: number; failures: number; lastError: string | null };
    const units = pendingUnitsCapped(this.db, cap);
    return { ...b, pending: Math.max(0, b.pending) + units.messages, capped: units.capped };
  }

  /** The backlog and what was sent. */
  counts(): OutboxCounts {
    const st = this.s.state.get() as { lastSentAt: string | null; lastError: string | null };
    const oldest = [(this.s.oldestPending.get() as string | undefined) ?? null, oldestPendingUnit(this.db)].filter((t): t is string => t !== null).sort();
    const oldestPending = oldest[0] ?? null;
    return { pending: this.pendingCount(), oldestPending, sentKept: this.s.sentCount.get() as number, lastSentAt: st.lastSentAt, lastError: st.lastError };
  }

  /** The job version and image a lot runs, and its reels with their finished devices (what the messages name). */
  lotContext(lot: string): LotContext {
    const j = this.s.lot.get(lot) as { job: string; version: number; imageSha256: string } | undefined;
    return { job: j?.job ?? '?', version: j?.version ?? 0, imageSha256: j?.imageSha256 ?? '', reels: this.s.reels.all(lot) as LotContext['reels'] };
  }

  /** When the newest message was written (the station's last word), or null for an empty outbox. */
  newestTimeStamp(): string | null {
    return (this.s.newest.get() as string | undefined) ?? null;
  }

  /** An adapter's serial, where it is mounted (`programmer.site`), its rated insertions, and when its socket was last replaced (null: never). */
  adapterSocket(adapterId: number): AdapterSocket | undefined {
    return this.s.adapter.get(adapterId) as AdapterSocket | undefined;
  }

  /** Event ids of `code` alarms on a site raised since the site was last enabled. */
  openSiteFaults(code: string, programmerId: number, site: number): number[] {
    return this.s.openSiteFaults.all(code, programmerId, site, programmerId, site) as number[];
  }

  /** Event ids of `code` alarms on an adapter raised since its socket was last replaced. */
  openAdapterFaults(code: string, adapterId: number): number[] {
    return this.s.openAdapterFaults.all(code, adapterId, adapterId) as number[];
  }

  /** The stored settings, or null when MES was never set. */
  config(): MesConfigRow | null {
    const r = this.s.config.get() as (Omit<MesConfigRow, 'enabled'> & { enabled: number }) | undefined;
    return r ? { ...r, enabled: r.enabled === 1 } : null;
  }

  /** Stores the settings. */
  setConfig(c: MesConfigRow): void {
    this.s.setConfig.run({ ...c, enabled: c.enabled ? 1 : 0 });
  }
}
