import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLotReport } from '../../src/report/lot-report.js';
import { renderLotHtml } from '../../src/report/html.js';
import { lotDevices } from '../../src/store/lot-devices.js';
import { tmpDir } from '../helpers/tmp.js';
import { artifactsDir, hasChromium, launchChromium } from './chromium.js';
import { finishedLot } from './lot-fixture.js';

const dir = tmpDir();

describe('the HTML lot report', () => {
  let html = '';
  let file = '';
  beforeAll(() => {
    const lf = finishedLot(dir);
    html = renderLotHtml(buildLotReport(lf.f.db, 'LOT-7', new Date('2026-02-03T00:00:00Z')), lotDevices(lf.f.db, 'LOT-7'));
    lf.f.db.close();
    file = path.join(dir, 'LOT-7.html');
    fs.writeFileSync(file, html);
  });

  it('is self-contained: no scripts, no external URLs, and a policy that forbids loading anything', () => {
    expect(html).not.toMatch(/<script|<link|src=|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).toContain("default-src 'none'");
  });

  describe('rendered in headless Chromium', () => {
    let close: (() => Promise<void>) | undefined;
    let page: import('playwright-core').Page;
    const requests: string[] = [];
    beforeAll(async () => {
      if (!hasChromium) return;
      const c = await launchChromium();
      close = c.close;
      page = await c.browser.newPage();
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(`file://${file}`);
    });
    afterAll(async () => close?.());

    it.skipIf(!hasChromium)('shows the summary, the three charts and every device, and loads nothing but itself', async () => {
      expect(await page.title()).toBe('Lot LOT-7 — gangflash report');
      const kpis = await page.locator('.kpi').allInnerTexts();
      expect(kpis.map((k) => k.replace(/\s+/g, ' ').trim())).toEqual(
        expect.arrayContaining(['planned 60', 'passed 56', 'failed 4', 'final yield 93.3%', 'first-pass yield 70.0%', 'insertions 74']),
      );
      expect(await page.locator('svg#timeline circle').count()).toBeGreaterThan(0);
      // P-A runs even n (sites 0, 2), P-B odd n (sites 1, 3) and the retries on its site 0: 5 cells.
      expect(await page.locator('svg#heatmap g.cell').count()).toBe(5);
      const b3 = page.locator('svg#heatmap g.cell[data-programmer="P-B"][data-site="3"]');
      // Each cell shows its yield and how many insertions it rests on; P-B:3 failed all 15 and is LOW.
      expect(await b3.locator('text').allTextContents()).toEqual(['0.0%', 'n=15 LOW']);
      expect(await b3.getAttribute('class')).toContain('low');
      // Counts read right: the Pareto's left axis has whole-number ticks in order, the timeline's bars their own axis.
      const ticks = (await page.locator('svg#pareto text.count-tick').allTextContents()).map(Number);
      expect(ticks.every((t) => Number.isInteger(t))).toBe(true);
      expect(ticks).toEqual([...new Set(ticks)].sort((a, b) => a - b));
      expect(await page.locator('svg#timeline text.count-tick').count()).toBeGreaterThan(1);
      // A lot whose devices finished within a few minutes still gets several intervals, not one dot.
      expect(await page.locator('svg#timeline circle').count()).toBeGreaterThan(3);
      expect(await page.locator('svg#pareto g.bar').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-code')))).toEqual(['bad-contact', 'id-mismatch']);
      expect(await page.locator('#devices tbody tr').count()).toBe(60);
      expect(await page.locator('#devices tbody tr.fail').count()).toBe(4);
      // Charts are laid out with a real size (not collapsed).
      const box = await page.locator('svg#heatmap').boundingBox();
      expect(box!.width).toBeGreaterThan(300);
      expect(requests.every((u) => u.startsWith('file://'))).toBe(true);
      const shot = path.join(artifactsDir, 'report-lot.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(fs.statSync(shot).size).toBeGreaterThan(10_000);
      console.log(`lot report screenshot: ${shot}`);
    });
  });
});
