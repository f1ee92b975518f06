import type { Db } from '../db/open.js';
import { adapterLifeRows, type AdapterLifeRow } from '../store/adapter-lives.js';

/** One physical adapter with the insertions its current receptacle has used and has left. */
export interface AdapterLife extends AdapterLifeRow {
  /** rated − used (negative when past its rated life). */
  left: number;
}

/** Every adapter in the inventory with its receptacle's insertions (kept by the database with every attempt). */
export function adapterLives(db: Db): AdapterLife[] {
  return adapterLifeRows(db).map((r) => ({ ...r, left: r.rated - r.used }));
}
