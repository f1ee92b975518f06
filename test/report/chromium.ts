// Launches Debian's Chromium headless through playwright-core for the rendering tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Where Debian installs Chromium. */
export const CHROMIUM = '/usr/bin/chromium';
/** True when the browser is installed; tests skip with a printed reason otherwise. */
export const hasChromium = fs.existsSync(CHROMIUM);
/** Folder for screenshots kept as test artifacts (gitignored). */
export const artifactsDir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../test-artifacts');

if (!hasChromium) console.log(`skipping browser rendering tests: ${CHROMIUM} is not installed (apt-get install chromium)`);

/** A headless Chromium with an empty profile (its user-data dir) and nothing that phones home. */
export async function launchChromium(): Promise<{ browser: BrowserContext; close: () => Promise<void> }> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'gangflash-chromium-'));
  // playwright passes the profile as --user-data-dir itself when launched as a persistent context.
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1000, height: 900 },
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
    ],
  });
  fs.mkdirSync(artifactsDir, { recursive: true });
  return {
    browser,
    close: async () => {
      await browser.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
