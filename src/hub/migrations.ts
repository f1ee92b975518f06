import path from 'node:path';
import { HubError } from '../errors.js';
import { packageRoot } from '../paths.js';
import { readMigrationFiles, type MigrationFile } from '../migration-files.js';
import type { Hub } from './connection.js';
import { redact } from './url.js';

/** Folder of the hub's numbered SQL migrations. */
export const hubMigrationsDir = path.join(packageRoot, 'chipdb', 'hub-migrations');

/** One numbered hub schema migration. */
export type HubMigration = MigrationFile;

/** The hub migrations shipped with this gangflash, in order. */
export function loadHubMigrations(dir: string = hubMigrationsDir): HubMigration[] {
  return readMigrationFiles(dir, (name, expected) => new HubError('migration-gap', `hub migration ${name} is out of sequence (expected ${expected})`));
}

/** Any number: a transaction-scoped advisory lock so that two `hub init` at once migrate one after the other. */
const MIGRATE_LOCK = 0x67616e67; // "gang"

/**
 * Brings the hub to the newest schema, all pending migrations in one transaction (PostgreSQL's DDL is
 * transactional: a failed migration leaves the hub as it was); refuses a hub written by a newer gangflash.
 */
export async function migrateHub(hub: Hub, migrations: HubMigration[] = loadHubMigrations()): Promise<{ from: number; to: number }> {
  return hub.tx(async (c) => {
    await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATE_LOCK]);
    await c.query('CREATE TABLE IF NOT EXISTS hub_schema (version integer NOT NULL, migrated_at timestamptz NOT NULL DEFAULT now())');
    const row = (await c.query<{ v: number | null }>('SELECT max(version) AS v FROM hub_schema')).rows[0];
    const from = row.v ?? 0;
    const newest = migrations.length;
    if (from > newest) throw tooNew(hub.url, from, newest);
    for (const m of migrations.slice(from)) {
      await c.query(m.sql);
      await c.query('INSERT INTO hub_schema (version) VALUES ($1)', [m.version]);
    }
    return { from, to: newest };
  });
}

/** The hub's schema version (0: not initialised); refuses a newer one and asks for `hub init` on an older one. */
export async function checkHubSchema(hub: Hub, migrations: HubMigration[] = loadHubMigrations()): Promise<number> {
  const [has] = await hub.run<{ ok: boolean }>({ name: 'hub.has-schema', text: `SELECT to_regclass('hub_schema') IS NOT NULL AS ok` });
  const v = has.ok ? ((await hub.run<{ v: number | null }>({ name: 'hub.schema', text: 'SELECT max(version) AS v FROM hub_schema' }))[0].v ?? 0) : 0;
  if (v > migrations.length) throw tooNew(hub.url, v, migrations.length);
  if (v < migrations.length) {
    throw new HubError('hub-not-initialised', `the hub ${redact(hub.url)} is at schema ${v}, this gangflash needs ${migrations.length}: run \`gangflash hub init --hub ${redact(hub.url)}\``);
  }
  return v;
}

function tooNew(url: string, v: number, newest: number): HubError {
  return new HubError('hub-too-new', `the hub ${redact(url)} has schema version ${v}, written by a newer gangflash (this one knows up to ${newest}); upgrade gangflash on this station`);
}
