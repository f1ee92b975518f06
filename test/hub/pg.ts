import net from 'node:net';
import crypto from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';

/** The PostgreSQL the hub tests use (scripts/services.sh starts Debian's cluster; trust auth for postgres). */
export const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' };

/** The connection string of database `name` on the test server. */
export function hubUrl(name: string): string {
  return `postgres://${PG.user}@${PG.host}:${PG.port}/${name}`;
}

/** True when something listens on the PostgreSQL port. */
async function listening(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(PG.port, PG.host);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/**
 * Whether the hub tests can run: they skip with a printed reason without PostgreSQL, and fail in CI (CI=true),
 * where `.ci/run` starts it.
 */
export async function postgresAvailable(what: string): Promise<boolean> {
  if (await listening()) return true;
  const why = `no PostgreSQL on ${PG.host}:${PG.port} (scripts/services.sh starts Debian's cluster)`;
  if (process.env.CI === 'true') throw new Error(`${what}: ${why}; CI must provide it`);
  console.log(`skipping ${what}: ${why}`);
  return false;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ ...PG, database: 'postgres' });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A fresh, empty database for one test file, dropped after the file's tests; returns its connection string. */
export async function freshDatabase(tag: string): Promise<string> {
  const name = `gangflash_${tag}_${crypto.randomBytes(4).toString('hex')}`.replace(/[^a-z0-9_]/g, '_');
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  afterAll(async () => {
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  });
  return hubUrl(name);
}
