import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/open.js';
import { GangflashError, HubError, UsageError } from '../errors.js';
import { planLot } from '../planning/plan.js';
import type { SiteSettings } from '../planning/site-settings.js';
import { registerCompareRoute } from './compare-route.js';
import { chipList, imageList, imageSize } from '../store/catalog-lists.js';
import type { LiveFeed } from './live.js';
import type { DashboardReads } from './reads.js';
import { decimalIntText, QUANTITY, type IntRange } from '../strict-number.js';

/** A query-string number: whole, decimal, within `range`; a 400 naming the parameter otherwise. */
function queryInt(name: string, v: string | undefined, range: IntRange, fallback?: number): number {
  if (v === undefined && fallback !== undefined) return fallback;
  const n = decimalIntText(v, range);
  if (n === undefined) throw new UsageError('bad-number', `${name}=${v ?? ''}: give a whole decimal number from ${range.min} to ${range.max}`);
  return n;
}

const BYTES: IntRange = { min: 0, max: 2 ** 48 };

/**
 * Registers the read-only JSON API and the live SSE stream under /api: farm, events, lots, MES and adapters from
 * `reads` (the station's journal or the hub), the catalog lists and plans from this station's database.
 */
export function registerApi(app: FastifyInstance, db: Db, reads: DashboardReads, live: LiveFeed, settings?: { doc: SiteSettings; file: string }): void {
  const streams = new Set<import('node:http').ServerResponse>();
  // Open event streams never go idle: end them so that closing the server does not wait for the browsers.
  app.addHook('preClose', async () => {
    for (const res of streams) res.end();
  });
  app.setErrorHandler((e, _req, reply) => {
    // The hub went away under a dashboard showing it: say so (503); the page retries.
    if (e instanceof HubError && e.code === 'hub-unreachable') return reply.code(503).send({ error: e.toJSON() });
    if (e instanceof GangflashError) return reply.code(400).send({ error: e.toJSON() });
    // The database went bad or unreadable under the dashboard: say so (503), never a bare 500.
    const code = String((e as { code?: unknown }).code ?? '');
    if (/^SQLITE_(CORRUPT|NOTADB)/.test(code)) return reply.code(503).send({ error: { code: 'db-damaged', message: `the database is damaged (${(e as Error).message}); run \`gangflash db check\`` } });
    if (/^SQLITE_/.test(code)) return reply.code(503).send({ error: { code: 'db-unavailable', message: `the database cannot be read now (${(e as Error).message}); try again` } });
    return reply.code(500).send({ error: { code: 'internal', message: (e as Error).message } });
  });
  app.get('/api/farm', async () => ({ at: new Date().toISOString(), programmers: await reads.farm() }));
  app.get<{ Querystring: { limit?: string } }>('/api/events', async (req) => ({ events: await reads.events(queryInt('limit', req.query.limit, { min: 1, max: 1000 }, 50)) }));
  app.get('/api/lots', async () => ({ lots: await reads.lots() }));
  // The MES backlog: settings (never credentials) and the messages waiting in the outbox (none on the hub).
  app.get('/api/mes', async () => (await reads.mes()) ?? { config: null });
  app.get<{ Params: { id: string } }>('/api/lots/:id', async (req) => reads.lot(req.params.id));
  app.get<{ Querystring: { weeks?: string } }>('/api/adapters', async (req) => {
    const weeks = queryInt('weeks', req.query.weeks, { min: 1, max: 520 }, 4);
    return { weeks, adapters: await reads.adapters(weeks) };
  });
  app.get('/api/chips', async () => ({ chips: chipList(db) }));
  app.get('/api/images', async () => ({ images: imageList(db) }));
  app.get<{ Querystring: Record<string, string | undefined> }>('/api/plan', async (req) => {
    const q = req.query;
    let size = q.imageBytes === undefined ? NaN : queryInt('imageBytes', q.imageBytes, BYTES);
    let sha256: string | undefined;
    if (q.image) {
      const img = imageSize(db, q.image);
      if (!img) return { error: { code: 'unknown-image', message: `no image ${q.image} in the database` } };
      size = img.size;
      sha256 = img.sha256;
    }
    if (!(size > 0)) throw new UsageError('bad-image', 'give image=SHA256 of an image in the database or imageBytes=N');
    return planLot(db, {
      chip: q.chip ?? '',
      qty: queryInt('qty', q.qty, QUANTITY),
      image: { size, blankBytes: queryInt('blankBytes', q.blankBytes, BYTES, 0), sha256 },
      ...(q.by ? { by: q.by } : {}),
      ...(q.hoursPerDay ? { hoursPerDay: queryInt('hoursPerDay', q.hoursPerDay, { min: 1, max: 24 }) } : {}),
    });
  });
  registerCompareRoute(app, db, settings);
  app.get('/api/live', (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 2000\n: connected\n\n');
    streams.add(res);
    const unsubscribe = live.subscribe((m) => res.write(`event: ${m.event}\ndata: ${JSON.stringify(m.data)}\n\n`));
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), 15_000);
    req.raw.on('close', () => {
      clearInterval(heartbeat);
      streams.delete(res);
      unsubscribe();
    });
  });
}
