import type { Db } from '../db/open.js';
import { insertEvent } from '../store/event-log.js';

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
  insertEvent(db, { ...e, kind: 'audit' });
}
