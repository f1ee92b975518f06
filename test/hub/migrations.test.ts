import { afterAll, describe, expect, it } from 'vitest';
import { openHub } from '../../src/hub/connection.js';
import { checkHubSchema, loadHubMigrations, migrateHub } from '../../src/hub/migrations.js';
import { HubError } from '../../src/errors.js';
import { freshDatabase, hubUrl, postgresAvailable } from './pg.js';

const up = await postgresAvailable('the hub schema tests');

describe.skipIf(!up)('hub schema: numbered migrations like the station journal', () => {
  const hubs: ReturnType<typeof openHub>[] = [];
  const open = (url: string) => {
    const h = openHub(url, { connectTimeoutMs: 2000 });
    hubs.push(h);
    return h;
  };
  afterAll(async () => {
    for (const h of hubs) await h.close();
  });

  it('init brings an empty database to the newest schema, and a second init changes nothing', async () => {
    const hub = open(await freshDatabase('schema'));
    const newest = loadHubMigrations().length;
    expect(await migrateHub(hub)).toEqual({ from: 0, to: newest });
    expect(await migrateHub(hub)).toEqual({ from: newest, to: newest });
    expect(await checkHubSchema(hub)).toBe(newest);
    const tables = (await hub.pool.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).rows.map((r) => r.tablename);
    for (const t of ['stations', 'programmers', 'adapters', 'adapter_history', 'chips', 'adapter_types', 'images', 'jobs', 'lots', 'reels', 'devices', 'attempts', 'serial_rules', 'serial_blocks', 'serial_ledger', 'events', 'lot_totals']) {
      expect(tables).toContain(t);
    }
  });

  it('two stations initialising the same hub at once migrate it once', async () => {
    const url = await freshDatabase('race');
    const [a, b] = await Promise.all([migrateHub(open(url)), migrateHub(open(url))]);
    const newest = loadHubMigrations().length;
    expect([a.from, b.from].sort()).toEqual([0, newest]);
    const versions = (await open(url).pool.query('SELECT version FROM hub_schema ORDER BY version')).rows.map((r) => r.version);
    expect(versions).toEqual(loadHubMigrations().map((m) => m.version));
  });

  it('a hub written by a newer gangflash is refused, named, and left untouched', async () => {
    const hub = open(await freshDatabase('newer'));
    await migrateHub(hub);
    await hub.pool.query('INSERT INTO hub_schema (version) VALUES (999)');
    const err = await migrateHub(hub).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HubError);
    expect((err as HubError).code).toBe('hub-too-new');
    expect((err as HubError).message).toMatch(/schema version 999.*upgrade gangflash/);
    await expect(checkHubSchema(hub)).rejects.toMatchObject({ code: 'hub-too-new' });
  });

  it('a hub that was never initialised is named with the command that initialises it', async () => {
    const hub = open(await freshDatabase('blank'));
    await expect(checkHubSchema(hub)).rejects.toMatchObject({ code: 'hub-not-initialised', message: expect.stringMatching(/gangflash hub init --hub/) });
  });

  it('a hub nobody listens for is reported unreachable, and a missing database as missing', async () => {
    await expect(migrateHub(open('postgres://postgres@127.0.0.1:1/none'))).rejects.toMatchObject({ code: 'hub-unreachable' });
    await expect(migrateHub(open(hubUrl('gangflash_no_such_database')))).rejects.toMatchObject({ code: 'hub-missing', message: expect.stringMatching(/createdb/) });
  });
});
