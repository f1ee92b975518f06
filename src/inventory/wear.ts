import type { Db } from '../db/open.js';
import { adapterInsertionCount } from '../store/adapters.js';

/**
 * Life state of an adapter: ok; warn in its last 10 % of rated insertions, or past them under an operator's override;
 * expired at or past them without one (runs do not use it); retired when taken out of use.
 */
export type AdapterStatus = 'ok' | 'warn' | 'expired' | 'retired';

/** Insertions on an adapter's current receptacle: attempts recorded with it since `socket_since` (kept by the database), plus `prior_insertions`. */
export function adapterInsertions(db: Db, adapterId: number): number {
  return adapterInsertionCount(db, adapterId);
}

/** Share of rated life left, 0..100, rounded to one decimal. */
export function lifeLeftPct(insertions: number, rated: number): number {
  return Math.max(0, Math.round((1 - insertions / rated) * 1000) / 10);
}

/** The status of an adapter from its stored status and wear. */
export function adapterStatus(stored: string, insertions: number, rated: number, override = false): AdapterStatus {
  if (stored === 'retired') return 'retired';
  if (insertions >= rated) return override ? 'warn' : 'expired';
  return insertions >= rated * 0.9 ? 'warn' : 'ok';
}
