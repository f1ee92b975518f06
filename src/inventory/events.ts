import type { Db } from '../db/open.js';

/** Fields of one audit event. */
export interface AuditEvent {
  code: string;
  message: string;
  programmerId?: number | null;
  site?: number | null;
  adapterId?: number | null;
  /** Who did it (operator or engineer). @default null */
  actor?: string | null;
}

/** Records an inventory audit event (mount, unmount, retire, socket replacement, life override). */
export function audit(db: Db, e: AuditEvent): void {
  db.prepare(`INSERT INTO events (kind, code, programmer_id, site, adapter_id, message, actor) VALUES ('audit', ?, ?, ?, ?, ?, ?)`)
    .run(e.code, e.programmerId ?? null, e.site ?? null, e.adapterId ?? null, e.message, e.actor ?? null);
}
