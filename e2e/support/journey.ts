import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, newChineseContext } from './browser';
import { type RunningServer, startServer } from './server';

/** Every demo account has this password (the demo seed). */
export const DEMO_PASSWORD = 'linli-demo';

export interface Journey {
  readonly server: RunningServer;
  readonly browser: Browser;
  readonly context: BrowserContext;
  /** The page the journey walks through, in a Chinese browser context. */
  readonly page: Page;
  /** Uncaught errors the page raised so far; a journey ends by expecting none. */
  readonly pageErrors: string[];
}

/**
 * Registers the beforeAll/afterAll of a journey: a fresh server with the demo street (or the one at
 * LINLI_E2E_URL, already running, for quicker iterations by hand), Chromium, and one page in a Chinese
 * context whose uncaught errors are collected. Call it at the top of the journey's `describe`; read the
 * fields inside the tests (they exist once beforeAll has run).
 */
export function useJourney(): Journey {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const url = process.env.LINLI_E2E_URL;
    server = url ? { url, output: () => '', stop: async () => {} } : await startServer();
    browser = await launchBrowser();
    context = await newChineseContext(browser, server.url);
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  function started<T>(value: T | undefined, name: string): T {
    if (value === undefined) throw new Error(`journey.${name} is read before the journey's beforeAll ran`);
    return value;
  }

  return {
    get server() {
      return started(server, 'server');
    },
    get browser() {
      return started(browser, 'browser');
    },
    get context() {
      return started(context, 'context');
    },
    get page() {
      return started(page, 'page');
    },
    pageErrors,
  };
}

export interface SignInOptions {
  /** Test id of the element (a nav item) whose appearance shows the console is open. */
  waitFor: string;
  /** Path opened first; anything but /login must send the signed-out browser to the login page. */
  from?: string;
}

/** Signs in through the login form as a demo account and waits until the console shows `waitFor`. */
export async function signIn(page: Page, username: string, { waitFor, from = '/login' }: SignInOptions) {
  await page.goto(from);
  if (from !== '/login') await page.waitForURL('**/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId(waitFor).waitFor();
}

/**
 * Calls the API with the page's own session (to set up or read facts the journey starts from, e.g. ids the
 * UI does not print). Unsafe methods carry the session's CSRF token, as the console sends it.
 */
export function api<T = unknown>(page: Page, method: string, path: string, body?: unknown): Promise<T> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (method !== 'GET' && method !== 'HEAD') {
        const me = (await (await fetch('/api/me')).json()) as { csrfToken: string };
        headers['x-csrf-token'] = me.csrfToken;
      }
      const response = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return response.json();
    },
    { method, path, body },
  ) as Promise<T>;
}

/** The console keeps the chosen language in the browser's storage (key `linli.locale`). */
export function setLocale(page: Page, locale: 'zh-CN' | 'en-US'): Promise<void> {
  return page.evaluate((value) => {
    (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem(
      'linli.locale',
      value,
    );
  }, locale);
}
