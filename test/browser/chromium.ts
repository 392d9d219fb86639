import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserServer, type LaunchOptions } from 'playwright-core';

// Chromium for the browser specs. Kept apart from browser.ts (which starts platforms) so that global setup
// can start the run's Chromium without loading the apps.

/** Where browser specs save screenshots for review (git-ignored). */
export const SCREENSHOTS = join(__dirname, '..', 'artifacts', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where global setup leaves the run's Chromium server for the specs (test/setup/global-setup.ts). */
const CHROMIUM_ENDPOINT_VARIABLE = 'BRIDGE_TEST_CHROMIUM_ENDPOINT';

declare global {
  var __BRIDGE_TEST_CHROMIUM__: BrowserServer | undefined;
}

/** Debian's Chromium, headless, with the flags this machine needs (no sandbox as root, no background network). */
const LAUNCH_OPTIONS: LaunchOptions = {
  executablePath: CHROMIUM,
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
};

/**
 * Global setup of the browser project: one Chromium for the whole run. Each spec connects to it and
 * works in contexts of its own (cookies, storage, locale), as it would in a Chromium it launched.
 */
export async function startSharedChromium(): Promise<void> {
  const server = await chromium.launchServer(LAUNCH_OPTIONS);
  globalThis.__BRIDGE_TEST_CHROMIUM__ = server;
  process.env[CHROMIUM_ENDPOINT_VARIABLE] = server.wsEndpoint();
}

export async function stopSharedChromium(): Promise<void> {
  const server = globalThis.__BRIDGE_TEST_CHROMIUM__;
  globalThis.__BRIDGE_TEST_CHROMIUM__ = undefined;
  delete process.env[CHROMIUM_ENDPOINT_VARIABLE];
  await server?.close();
}

/**
 * The run's Chromium when global setup started one (closing it then only disconnects, and drops the
 * contexts this spec made), else a Chromium of the spec's own.
 */
export async function launchBrowser(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const endpoint = process.env[CHROMIUM_ENDPOINT_VARIABLE];
  return endpoint ? chromium.connect(endpoint) : chromium.launch(LAUNCH_OPTIONS);
}
