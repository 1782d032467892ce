import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { ARTIFACTS_DIR } from './paths';

/** Debian's Chromium, headless; the flags keep it from phoning home or needing a GPU in CI containers. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export function newChineseContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  return browser.newContext({
    baseURL,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1440, height: 900 },
  });
}

/** Toasts and closing menus would cover the page in the picture; they are gone within a few seconds. */
async function waitForOverlaysToClear(page: Page): Promise<void> {
  const overlays = page.locator('.ant-message-notice, .ant-dropdown:not(.ant-dropdown-hidden)');
  const deadline = Date.now() + 8_000;
  while ((await overlays.count()) > 0 && Date.now() < deadline) await page.waitForTimeout(200);
}

/** Saves a full-page screenshot to e2e/artifacts/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await waitForOverlaysToClear(page);
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
