import type { Db } from '../db/open.js';
import { OutboxStore } from '../store/outbox.js';

/** Ms a backlog reading is reused before the outbox is read again. */
const REFRESH_MS = 1000;

/**
 * A line for the operator's live view saying how many MES messages wait to be published ("MES: 1,204 messages
 * waiting · retrying: connection refused"), read at most once a second; null when MES is not set up (or is off).
 */
export function mesBacklogLine(db: Db): (() => string) | null {
  const store = new OutboxStore(db);
  const c = store.config();
  if (!c || !c.enabled) return null;
  const where = c.sink === 'file' ? `to ${c.folder ?? '.'}` : `to ${c.broker ?? 'the broker'}`;
  let at = 0;
  let line = '';
  return () => {
    const now = Date.now();
    if (now - at < REFRESH_MS && line) return line;
    at = now;
    const b = store.backlog();
    const waiting = b.pending === 0 ? 'all sent' : `${b.pending.toLocaleString('en-US')}${b.capped ? '+' : ''} message${b.pending === 1 && !b.capped ? '' : 's'} waiting`;
    line = `MES ${where}: ${waiting}${b.failures > 0 && b.lastError ? ` · retrying: ${b.lastError}` : ''}`;
    return line;
  };
}
