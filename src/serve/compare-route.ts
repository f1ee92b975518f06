import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/open.js';
import { UsageError } from '../errors.js';
import { compareLot } from '../planning/compare-lot.js';
import { ISP_INTERFACES, type IspInterface } from '../planning/isp-defaults.js';
import { costSettings, type SiteSettings } from '../planning/site-settings.js';
import { costLinesSvg } from '../report/svg-cost-lines.js';
import { timeBarsSvg } from '../report/svg-time-bars.js';
import { decimalIntText, QUANTITY, type IntRange } from '../strict-number.js';

function int(name: string, v: string | undefined, range: IntRange, fallback?: number): number | undefined {
  if (v === undefined || v === '') return fallback;
  const n = decimalIntText(v, range);
  if (n === undefined) throw new UsageError('bad-number', `${name}=${v}: give a whole decimal number from ${range.min} to ${range.max}`);
  return n;
}

/**
 * GET /api/plan/compare?chip&qty&imageBytes[&image=SHA256][&by][&hoursPerDay][&isp][&ispChannels][&ispFixtures]: the
 * dashboard's offline-vs-in-system comparison (the server's site settings, else the defaults table) with both charts.
 */
export function registerCompareRoute(app: FastifyInstance, db: Db, settings: { doc: SiteSettings; file: string } = { doc: {}, file: 'site settings' }): void {
  app.get<{ Querystring: Record<string, string | undefined> }>('/api/plan/compare', async (req) => {
    const q = req.query;
    const size = int('imageBytes', q.imageBytes, { min: 1, max: 2 ** 48 });
    if (size === undefined) throw new UsageError('bad-image', 'give imageBytes=N (the image\'s size), and image=SHA256 to use its measured history');
    if (q.image !== undefined && !/^[0-9a-f]{64}$/.test(q.image)) throw new UsageError('bad-image', `image=${q.image}: give the image's SHA-256 (64 hex digits)`);
    if (q.isp && !(ISP_INTERFACES as readonly string[]).includes(q.isp)) throw new UsageError('bad-isp-interface', `isp=${q.isp}: give one of ${ISP_INTERFACES.join(', ')}`);
    const costs = costSettings(settings.doc, settings.file, {
      interface: (q.isp || undefined) as IspInterface | undefined,
      channels: int('ispChannels', q.ispChannels, { min: 1, max: 256 }),
      fixtures: int('ispFixtures', q.ispFixtures, { min: 1, max: 1000 }),
    });
    const comparison = compareLot(db, {
      chip: q.chip ?? '',
      qty: int('qty', q.qty, QUANTITY)!,
      image: { size, blankBytes: int('blankBytes', q.blankBytes, { min: 0, max: 2 ** 48 }, 0)!, ...(q.image ? { sha256: q.image } : {}) },
      ...(q.by ? { by: q.by } : {}),
      ...(q.hoursPerDay ? { hoursPerDay: int('hoursPerDay', q.hoursPerDay, { min: 1, max: 24 }) } : {}),
    }, costs);
    return { comparison, charts: { cost: costLinesSvg(comparison, 760, 280), time: timeBarsSvg(comparison, 760, 140) } };
  });
}
