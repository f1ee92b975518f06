import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../../src/serve/server.js';
import { tmpDir } from '../helpers/tmp.js';
import { EMMC } from '../planning/fixtures.js';
import { artifactsDir, hasChromium, launchChromium } from '../report/chromium.js';
import { finishedLot, type LotFixture } from '../report/lot-fixture.js';

const dir = tmpDir();
const TOKEN = 'dashboard-test-token';

describe('the dashboard in headless Chromium', () => {
  let lf: LotFixture;
  let d: Dashboard;
  let close: (() => Promise<void>) | undefined;
  let page: import('playwright-core').Page;
  const external: string[] = [];

  beforeAll(async () => {
    lf = finishedLot(dir, 'dash.db');
    lf.f.lot('LOT-8', EMMC.part, { qty: 10, created: '2026-02-03T00:00:00.000Z' });
    lf.f.disableSite(lf.programmers[1], 3);
    lf.f.adapter('SHELF-9', 'bga153-a');
    d = await startDashboard({ dbFile: path.join(dir, 'dash.db'), port: 0, pollMs: 200, token: TOKEN });
    if (!hasChromium) return;
    const c = await launchChromium();
    close = c.close;
    page = await c.browser.newPage();
    const origin = new URL(d.url).origin;
    page.on('request', (r) => (r.url().startsWith(origin) ? undefined : external.push(r.url())));
    await page.goto(`${d.url}?token=${TOKEN}`);
  });
  afterAll(async () => {
    await close?.();
    await d?.close();
    lf.f.db.close();
  });

  it.skipIf(!hasChromium)('shows the farm, the lots and the adapters, and updates a site and a lot live', async () => {
    await page.locator('#live.on').waitFor();
    expect(await page.locator('.programmer').count()).toBe(2);
    expect(await page.locator('.site').count()).toBe(8);
    const b3 = page.locator('.site[data-programmer-id="2"][data-site="3"]');
    expect(await b3.getAttribute('class')).toContain('disabled');
    // its 15 attempts all failed: flagged LOW against P-B's other sites
    expect(await b3.getAttribute('class')).toContain('low');
    expect(await b3.locator('.yield').textContent()).toBe('yield 0.0% of 15 LOW');
    expect(await page.locator('#lots tr[data-lot="LOT-7"] td.passed').textContent()).toBe('56');
    expect(await page.locator('#adapters tbody tr').count()).toBe(9);
    expect(await page.locator('#adapters tr[data-serial="SHELF-9"]').textContent()).toContain('shelf');

    // The "runner" (another connection) finishes a device on P-A site 2; the page hears it over SSE.
    lf.f.attempt({ lot: 'LOT-8', seq: 1, programmer: 1, site: 2, adapter: 3, start: '2026-02-03T09:00:00.000Z', durationSec: 4, result: 'fail', code: 'verify-failed', stage: 'verify' });
    const a2 = page.locator('.site[data-programmer-id="1"][data-site="2"]');
    await a2.locator('.last', { hasText: /^verify-failed$/ }).waitFor();
    expect(await a2.getAttribute('class')).toContain('fail');
    expect(await a2.locator('.yield').textContent()).toMatch(/ of \d+$/);
    await page.locator('#lots tr[data-lot="LOT-8"] td.failed', { hasText: /^1$/ }).waitFor();

    // A planner asks: can we program 20,000 of this eMMC (1 GB image) by a date, and what must we order?
    await page.fill('input[name="chip"]', EMMC.part);
    await page.fill('input[name="imageBytes"]', '1000000000');
    await page.fill('input[name="by"]', '2099-01-01');
    await page.click('#plan-form button');
    await page.locator('#plan-out div').first().waitFor();
    expect(await page.locator('#plan-out').textContent()).toMatch(/20000 × TEST-EMMC16: 7 healthy sites.*by 2099-01-01: yes/);

    // ... and would programming it in system after assembly, over USB, be the better route? Both charts come back.
    await page.selectOption('#plan-isp', 'usb-emmc');
    await page.click('#plan-form button');
    await page.locator('#compare-route').waitFor();
    expect(await page.locator('#compare-route').textContent()).toMatch(/^(offline|in system)$/);
    expect(await page.locator('#compare-out svg#cost-lines').count()).toBe(1);
    expect(await page.locator('#compare-out svg#time-bars').count()).toBe(1);

    expect(external).toEqual([]);
    const shot = path.join(artifactsDir, 'dashboard.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`dashboard screenshot: ${shot}`);
  });
});
