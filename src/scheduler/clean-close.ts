import os from 'node:os';
import { verifyDb, type Db } from '../db/open.js';
import { RunStore } from '../store/runs.js';
import { atomically } from '../store/atomic.js';
import { killedRunEnded } from '../mes/outbox-writer.js';
import { pidExists } from '../host/pid.js';

/**
 * Before a run: when an earlier run on this host ended without recording its end (killed, crashed, power cut), reads
 * every page once with quick_check (a damaged database is refused as `db-damaged`, naming the last good backup) and
 * records those runs as not closed, in the same transaction as the MES messages they never sent (StationOffline,
 * their passing faults cleared: src/mes/outbox-writer.ts). A database whose last runs closed cleanly is not read in full: its open stays
 * cheap at any size. Returns how many unclosed runs were found.
 */
export function verifyAfterUncleanClose(db: Db, file: string): number {
  const runs = new RunStore(db);
  const host = os.hostname();
  const gone = runs.unclosed().filter((r) => r.host === host && !pidExists(r.pid));
  if (gone.length === 0) return 0;
  verifyDb(db, file);
  atomically(db, () => {
    runs.endAll(gone.map((r) => r.id), 'not closed: the process was killed or crashed');
    for (const r of gone) killedRunEnded(db, r);
  });
  return gone.length;
}
