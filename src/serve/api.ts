import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/open.js';
import { GangflashError, UsageError } from '../errors.js';
import { listLots, lotCounters, lotReels } from '../lots/counters.js';
import { forecastAdapters } from '../planning/forecast.js';
import { planLot } from '../planning/plan.js';
import { farmState } from './farm-state.js';
import { OutboxStore } from '../store/outbox.js';
import type { LivePoller } from './live.js';

/** Registers the read-only JSON API and the live SSE stream under /api. */
export function registerApi(app: FastifyInstance, db: Db, live: LivePoller): void {
  const streams = new Set<import('node:http').ServerResponse>();
  // Open event streams never go idle: end them so that closing the server does not wait for the browsers.
  app.addHook('preClose', async () => {
    for (const res of streams) res.end();
  });
  app.setErrorHandler((e, _req, reply) => {
    if (e instanceof GangflashError) return reply.code(400).send({ error: e.toJSON() });
    return reply.code(500).send({ error: { code: 'internal', message: (e as Error).message } });
  });
  app.get('/api/farm', async () => ({ programmers: farmState(db) }));
  app.get('/api/lots', async () => ({ lots: listLots(db) }));
  const outbox = new OutboxStore(db);
  // The MES backlog: settings (never credentials) and the messages waiting in the outbox.
  app.get('/api/mes', async () => ({ config: outbox.config(), ...outbox.counts() }));
  app.get<{ Params: { id: string } }>('/api/lots/:id', async (req) => ({ ...lotCounters(db, req.params.id), reels: lotReels(db, req.params.id) }));
  app.get<{ Querystring: { weeks?: string } }>('/api/adapters', async (req) => {
    const weeks = req.query.weeks === undefined ? 4 : Number(req.query.weeks);
    return { weeks, adapters: forecastAdapters(db, { weeks }) };
  });
  app.get('/api/chips', async () => ({ chips: db.prepare('SELECT part, kind, package FROM chips ORDER BY part').all() }));
  app.get('/api/images', async () => ({ images: db.prepare('SELECT sha256, path, format, size FROM images ORDER BY created_at DESC').all() }));
  app.get<{ Querystring: Record<string, string | undefined> }>('/api/plan', async (req) => {
    const q = req.query;
    let size = Number(q.imageBytes ?? NaN);
    let sha256: string | undefined;
    if (q.image) {
      const img = db.prepare('SELECT sha256, size FROM images WHERE sha256 = ?').get(q.image) as { sha256: string; size: number } | undefined;
      if (!img) return { error: { code: 'unknown-image', message: `no image ${q.image} in the database` } };
      size = img.size;
      sha256 = img.sha256;
    }
    if (!(size > 0)) throw new UsageError('bad-image', 'give image=SHA256 of an image in the database or imageBytes=N');
    return planLot(db, {
      chip: q.chip ?? '',
      qty: Number(q.qty),
      image: { size, blankBytes: Number(q.blankBytes ?? 0), sha256 },
      ...(q.by ? { by: q.by } : {}),
      ...(q.hoursPerDay ? { hoursPerDay: Number(q.hoursPerDay) } : {}),
    });
  });
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
