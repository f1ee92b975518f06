import type Database from 'better-sqlite3';

/** Result of `db check`. */
export interface DbCheck {
  ok: boolean;
  schemaVersion: number;
  integrity: string[];
  foreignKeyViolations: number;
}

/** Runs SQLite's integrity_check and foreign_key_check over the whole database. */
export function checkDb(db: Database.Database): DbCheck {
  const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
  const fk = (db.pragma('foreign_key_check') as unknown[]).length;
  return {
    ok: integrity.length === 1 && integrity[0] === 'ok' && fk === 0,
    schemaVersion: db.pragma('user_version', { simple: true }) as number,
    integrity,
    foreignKeyViolations: fk,
  };
}
