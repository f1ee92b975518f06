import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../../src/serve/server.js';
import { tmpDir } from '../helpers/tmp.js';
import { EMMC } from '../planning/fixtures.js';
import { artifactsDir, hasChromium, launchChromium } from '../report/chromium.js';
import { finishedLot, type LotFixture } from '../report/lot-fixture.js';

const dir = tmpDir();

describe('the dashboard after a reconnect, in headless Chromium', () => {
  let lf: LotFixture;
  let d: Dashboard;
  let close: (() => Promise<void>) | undefined;
  let browser: import('playwright-core').BrowserContext;

  beforeAll(async () => {
    lf = finishedLot(dir, 'reconnect.db');
    lf.f.lot('LOT-9', EMMC.part, { qty: 40, created: '2026-02-04T00:00:00.000Z' });
    d = await startDashboard({ dbFile: path.join(dir, 'reconnect.db'), port: 0, pollMs: 100 });
    if (!hasChromium) return;
    const c = await launchChromium();
    close = c.close;
    browser = c.browser;
  });
  afterAll(async () => {
    await close?.();
    await d?.close();
    lf.f.db.close();
  });

  /** Site yields as the database has them: `programmerId:site` → finished attempts. */
  function dbCounts(): Map<string, number> {
    const rows = lf.f.db.prepare("SELECT programmer_id AS p, site, count(*) AS n FROM attempts WHERE result IN ('pass', 'fail') GROUP BY 1, 2").all() as { p: number; site: number; n: number }[];
    return new Map(rows.map((r) => [`${r.p}:${r.site}`, r.n]));
  }

  async function pageCounts(page: import('playwright-core').Page): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const el of await page.locator('.site').all()) {
      const text = (await el.locator('.yield').textContent()) ?? '';
      const m = / of (\d+)/.exec(text);
      if (m) out.set(`${await el.getAttribute('data-programmer-id')}:${await el.getAttribute('data-site')}`, Number(m[1]));
    }
    return out;
  }

  it.skipIf(!hasChromium)('a page opened after 32 devices ran while none was open shows exactly the database counts and the alarms recorded before it, and a disabled site turns its tile at once', async () => {
    const first = await browser.newPage();
    await first.goto(d.url);
    await first.locator('#live.on').waitFor();
    await first.close();
    // Nobody listens now. A "runner" (another connection) finishes 32 devices and records an alarm.
    const [pa, pb] = lf.programmers;
    for (let n = 1; n <= 32; n++) {
      const p = n % 2 ? pa : pb;
      lf.f.attempt({ lot: 'LOT-9', seq: n, programmer: p, site: n % 4, adapter: null as unknown as number, start: new Date(Date.now() - 60_000 + n * 100).toISOString(), durationSec: 1, result: n % 8 === 0 ? 'fail' : 'pass', code: n % 8 === 0 ? 'verify-failed' : undefined, stage: n % 8 === 0 ? 'verify' : undefined });
    }
    lf.f.db.prepare("INSERT INTO events (lot_id, kind, code, programmer_id, site, message) VALUES ('LOT-9', 'alarm', 'site-disabled', ?, 1, 'P-A:1 disabled after 3 socket failures in a row (test)')").run(pa);
    await new Promise((r) => setTimeout(r, 500));

    const page = await browser.newPage();
    await page.goto(d.url);
    await page.locator('#live.on').waitFor();
    await page.locator('#alarms li', { hasText: 'disabled after 3 socket failures in a row (test)' }).waitFor();
    // Several poll cycles: nothing may be added on top of the fresh load.
    await new Promise((r) => setTimeout(r, 800));
    expect(await pageCounts(page)).toEqual(dbCounts());
    const lot = lf.f.db.prepare("SELECT sum(result = 'pass') AS passed, sum(result = 'fail') AS failed FROM devices WHERE lot_id = 'LOT-9'").get() as { passed: number; failed: number };
    expect(await page.locator('#lots tr[data-lot="LOT-9"] td.passed').textContent()).toBe(String(lot.passed));
    expect(await page.locator('#lots tr[data-lot="LOT-9"] td.failed').textContent()).toBe(String(lot.failed));

    // An operator disables a site (`gangflash sites disable`: the sites row and an audit event): the tile follows at once.
    const tile = page.locator(`.site[data-programmer-id="${pb}"][data-site="2"]`);
    expect(await tile.getAttribute('class')).not.toContain('disabled');
    lf.f.disableSite(pb, 2);
    lf.f.db.prepare("INSERT INTO events (kind, code, programmer_id, site, message, actor) VALUES ('audit', 'site-disabled', ?, 2, 'P-B:2 disabled by op: bent pin', 'op')").run(pb);
    await page.locator(`.site.disabled[data-programmer-id="${pb}"][data-site="2"]`).waitFor({ timeout: 5000 });
    await page.screenshot({ path: path.join(artifactsDir, 'dashboard-reconnect.png'), fullPage: true });
  });
});
