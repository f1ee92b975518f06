import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../../src/serve/server.js';
import { root } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { EMMC } from '../planning/fixtures.js';
import { finishedLot, type LotFixture } from '../report/lot-fixture.js';

const dir = tmpDir();
const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(JSON.parse(fs.readFileSync(path.join(root, 'docs/plan-compare.schema.json'), 'utf8')) as object);

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe('the dashboard\'s offline-vs-in-system comparison', () => {
  let lf: LotFixture;
  let d: Dashboard;
  beforeAll(async () => {
    lf = finishedLot(dir, 'compare.db');
    d = await startDashboard({ dbFile: path.join(dir, 'compare.db'), port: 0, settings: { doc: { labourPerHour: 42 }, file: 'site.json' } });
  });
  afterAll(async () => {
    await d?.close();
    lf.f.db.close();
  });

  it('GET /api/plan/compare answers the schema\'s document with both charts, priced with the server\'s site settings', async () => {
    const r = await get(`${d.url}api/plan/compare?chip=${EMMC.part}&qty=20000&imageBytes=1000000000&isp=usb-emmc&by=2099-01-01`);
    expect(r.status, r.body).toBe(200);
    const { comparison, charts } = JSON.parse(r.body) as { comparison: Record<string, any>; charts: { cost: string; time: string } };
    expect(validate(comparison), JSON.stringify(validate.errors)).toBe(true);
    expect(comparison.inSystem.interface).toMatch(/^usb-emmc /);
    expect(comparison.figures.find((f: { name: string }) => f.name === 'labourPerHour')).toMatchObject({ value: 42, source: 'site.json: labourPerHour' });
    expect(charts.cost).toMatch(/^<svg[^>]+id="cost-lines"/);
    expect(charts.time).toMatch(/^<svg[^>]+id="time-bars"/);
  });

  it('a request without the image size or with an unknown interface is a 400 naming the parameter', async () => {
    const noSize = await get(`${d.url}api/plan/compare?chip=${EMMC.part}&qty=10&isp=swd`);
    expect(noSize.status).toBe(400);
    expect(JSON.parse(noSize.body).error.message).toMatch(/imageBytes/);
    const bad = await get(`${d.url}api/plan/compare?chip=${EMMC.part}&qty=10&imageBytes=100&isp=ethernet`);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.code).toBe('bad-isp-interface');
  });
});
