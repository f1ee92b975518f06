import Fastify, { type FastifyInstance } from 'fastify';
import { UsageError } from '../errors.js';
import { hostIsLocal, isLoopback, requestToken, tokenMatches } from './auth.js';
import type { SiteSettings } from '../planning/site-settings.js';
import { registerApi } from './api.js';
import { LivePoller, type LiveFeed } from './live.js';
import { HubLiveFeed } from './hub-live.js';
import { hubReads } from './hub-reads.js';
import { stationReads } from './reads.js';
import { openHub } from '../hub/connection.js';
import { checkHubSchema } from '../hub/migrations.js';
import { openReadOnly } from '../db/open-readonly.js';
import { dashboardHtml } from './page.js';

/** Options of the dashboard server. */
export interface ServeOptions {
  /** Database file, opened read-only. */
  dbFile: string;
  /** Address to bind. Anything but loopback requires `token`. @default '127.0.0.1' */
  host?: string;
  /** TCP port; 0 picks a free one. @default 7070 */
  port?: number;
  /** Token every request must carry (`Authorization: Bearer T` or `?token=T`). @default none (loopback only) */
  token?: string;
  /** Milliseconds between polls of the database for live updates. @default 1000 */
  pollMs?: number;
  /** Site settings the plan form's comparison prices with. @default the defaults table */
  settings?: { doc: SiteSettings; file: string };
  /**
   * The hub to show instead of the station's journal: every station's farm, lots, adapters and events, live (its
   * upload notifications bring a poll forward; the poll is the truth). The catalog lists and plans stay the station's.
   */
  hubUrl?: string;
}

/** A started dashboard: its URL and how to stop it. */
export interface Dashboard {
  app: FastifyInstance;
  url: string;
  close: () => Promise<void>;
  /** The live feed behind /api/live (the hub's, with its LISTEN connection, under `--hub`). */
  live: LiveFeed;
}

/** Builds and starts the read-only dashboard; refuses a non-loopback address without a token. */
export async function startDashboard(opts: ServeOptions): Promise<Dashboard> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token;
  if (!isLoopback(host) && !token) {
    throw new UsageError('token-required', `--host ${host} is reachable from other machines: give --token T (a long random string) or bind 127.0.0.1`);
  }
  if (token !== undefined && token.length < 8) throw new UsageError('token-too-short', '--token must be at least 8 characters');
  const db = openReadOnly(opts.dbFile);
  const hub = opts.hubUrl ? openHub(opts.hubUrl) : null;
  if (hub) {
    try {
      await checkHubSchema(hub);
    } catch (e) {
      db.close();
      await hub.close();
      throw e;
    }
  }
  const reads = hub ? hubReads(hub) : stationReads(db);
  const live: LiveFeed = hub ? new HubLiveFeed(hub, { pollMs: opts.pollMs }) : new LivePoller(db, { pollMs: opts.pollMs });
  const app = Fastify({ logger: false });
  app.addHook('onRequest', async (req, reply) => {
    if (token !== undefined) {
      if (!tokenMatches(requestToken(req.headers, req.url), token)) {
        return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized: give the token as Authorization: Bearer T or ?token=T' });
      }
    } else if (!hostIsLocal(req.headers.host)) {
      return reply.code(403).send({ error: 'forbidden: this dashboard answers only to localhost' });
    }
  });
  app.addHook('onSend', async (_req, reply) => {
    reply.header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer').header('cache-control', 'no-store');
  });
  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(dashboardHtml()));
  registerApi(app, db, reads, live, opts.settings);
  const closeDb = async () => {
    live.stop();
    if (db.open) db.close();
    await hub?.close();
  };
  app.addHook('onClose', async () => closeDb());
  try {
    await app.listen({ host, port: opts.port ?? 7070 });
  } catch (e) {
    await closeDb();
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') throw new UsageError('port-in-use', `port ${opts.port} on ${host} is in use; pick another with --port`);
    if (err.code === 'EADDRNOTAVAIL') throw new UsageError('bad-host', `--host ${host} is not an address of this machine`);
    if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') throw new UsageError('bad-host', `--host ${host} is not a name or address this machine can resolve; give one of its addresses, e.g. 127.0.0.1 or 0.0.0.0`);
    throw e;
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return { app, url: `http://${shown}:${port}/`, close: () => app.close(), live };
}
