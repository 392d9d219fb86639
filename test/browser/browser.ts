import { join } from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { launchBrowser, SCREENSHOTS } from './chromium';

export { launchBrowser } from './chromium';

/** Saves a full-page screenshot for review under test/artifacts/screenshots (git-ignored). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** A browser spec's platform, its API client and Chromium. */
export interface BrowserSession {
  platform: TestPlatform;
  api: Api;
  browser: Browser;
  /** A page in a context of its own, waiting at most `timeoutMs` (the session's default) for each step. */
  newPage(options?: BrowserContextOptions & { timeoutMs?: number }): Promise<Page>;
  /** Chromium first (its pages still talk to the platform), then the platform. */
  close(): Promise<void>;
}

/** Starts the platform (with `overrides`) and Chromium side by side. */
export async function startBrowserSession(
  overrides: NodeJS.ProcessEnv = {},
  options: { timeoutMs?: number } = {},
): Promise<BrowserSession> {
  const [platform, browser] = await Promise.all([startTestPlatform(overrides), launchBrowser()]);
  return {
    platform,
    api: new Api(platform),
    browser,
    newPage: async ({ timeoutMs, ...contextOptions } = {}) => {
      const page = await browser.newPage(contextOptions);
      page.setDefaultTimeout(timeoutMs ?? options.timeoutMs ?? 15_000);
      return page;
    },
    close: async () => {
      await browser.close();
      await platform.close();
    },
  };
}

/** Signs in on the login screen's "Integration engineer" tab with an API client's credentials. */
export async function signInAsEngineer(
  page: Page,
  platformUrl: string,
  client: { clientId: string; clientSecret: string },
): Promise<void> {
  await page.goto(`${platformUrl}/app/login`);
  await page.getByRole('tab', { name: 'Integration engineer' }).click();
  await page.getByLabel('Client ID').fill(client.clientId);
  await page.getByLabel('Client secret').fill(client.clientSecret);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
