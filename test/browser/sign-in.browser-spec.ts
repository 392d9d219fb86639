import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Api } from '../support/api';
import type { TestPlatform } from '../support/platform';
import { screenshot, signInAsEngineer, startBrowserSession, type BrowserSession } from './browser';

const ROOT = join(__dirname, '..', '..');

/**
 * Signing in and staying signed in, against a DEVELOPMENT build of the Care app: there React's StrictMode
 * runs every effect twice on mount, which is what redeemed a single-use login link twice.
 */
describe('Sign-in in Chromium: where a session lands, login links redeemed once, expired sessions, languages', () => {
  let session: BrowserSession;
  let platform: TestPlatform;
  let api: Api;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let developmentBuild: string;
  const previousCareWebDir = process.env.CARE_WEB_DIR;

  beforeAll(async () => {
    developmentBuild = mkdtempSync(join(tmpdir(), 'care-web-dev-'));
    execFileSync(
      join(ROOT, 'node_modules', '.bin', 'vite'),
      [
        'build',
        '--config',
        'apps/care-web/vite.config.mts',
        '--mode',
        'development',
        '--outDir',
        developmentBuild,
        '--emptyOutDir',
        '--logLevel',
        'error',
      ],
      { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'development' } },
    );
    process.env.CARE_WEB_DIR = developmentBuild;
    session = await startBrowserSession();
    ({ platform, api, browser } = session);
  });
  afterAll(async () => {
    await session?.close();
    if (previousCareWebDir === undefined) delete process.env.CARE_WEB_DIR;
    else process.env.CARE_WEB_DIR = previousCareWebDir;
    rmSync(developmentBuild, { recursive: true, force: true });
  });
  beforeEach(async () => {
    context = await browser.newContext({ locale: 'en-GB' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });
  afterEach(() => context?.close());

  async function signInAsAdmin(target: Page) {
    await signInAsEngineer(target, platform.url, platform.admin);
  }

  it('lands a platform admin on the console after a client-credentials sign-in, with no error', async () => {
    await signInAsAdmin(page);
    await page.getByRole('heading', { name: 'Hospitals' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/app/console');
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it('redeems a login link once although StrictMode runs the effect twice', async () => {
    const hospital = await api.createHospital('web-link-once');
    const link = await api.expect(201, 'POST', '/v1/users/login-token', {
      token: hospital.token,
      body: { email: 'once@web-link-once.example', firstName: 'Once', lastName: 'Only' },
    });
    const exchanges: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/v1/auth/exchange')
        exchanges.push(request.url());
    });
    await page.goto(link.url.replace('http://localhost:3000', platform.url));
    await page.getByRole('heading', { name: 'Patients' }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(exchanges).toHaveLength(1);
    // The fragment carrying the token is gone from the address bar and history.
    expect(page.url()).not.toContain('token=');
  });

  it('sends an expired session back to sign-in, then back to where the user was', async () => {
    const hospital = await api.createHospital('web-expired');
    const admin = await api.adminToken();
    const password = 'correct horse battery';
    await api.expect(201, 'POST', `/v1/admin/hospitals/${hospital.id}/users`, {
      token: admin,
      body: {
        email: 'nurse@web-expired.example',
        firstName: 'Nora',
        lastName: 'Nurse',
        roles: ['clinician'],
        password,
      },
    });
    const signIn = async () => {
      await page.getByLabel('E-mail').fill('nurse@web-expired.example');
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
    };
    await page.goto(`${platform.url}/app/login`);
    await signIn();
    await page.getByRole('heading', { name: 'Patients' }).waitFor();
    // The import page's own call is answered before the session ends: the reload's call is the one refused.
    const physicians = page.waitForResponse(
      (response) => new URL(response.url()).pathname === '/v1/physicians',
    );
    await page.getByRole('link', { name: 'Import patient' }).first().click();
    await page.getByRole('heading', { name: 'Import patient' }).waitFor();
    await physicians;

    // The session ends elsewhere (another tab signed out); the next call this tab makes is refused.
    const token = (await page.evaluate("sessionStorage.getItem('careflow-bridge.session')")) as string;
    await api.expect(204, 'POST', '/v1/auth/logout', { token });
    await page.reload();

    await page.getByText('Your session has ended. Sign in again to go back where you were.').waitFor();
    expect(new URL(page.url()).pathname).toBe('/app/login');
    await screenshot(page, 'session-expired');
    await signIn();
    await page.getByRole('heading', { name: 'Import patient' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/app/import');
  });

  it('still says why after the page that saw the refusal is left (a reload racing the 401)', async () => {
    const hospital = await api.createHospital('web-ended-reload');
    const admin = await api.adminToken();
    const password = 'correct horse battery';
    await api.expect(201, 'POST', `/v1/admin/hospitals/${hospital.id}/users`, {
      token: admin,
      body: {
        email: 'nurse@web-ended-reload.example',
        firstName: 'Nell',
        lastName: 'Nurse',
        roles: ['clinician'],
        password,
      },
    });
    await page.goto(`${platform.url}/app/login`);
    await page.getByLabel('E-mail').fill('nurse@web-ended-reload.example');
    await page.getByLabel('Password').fill(password);
    // The patients list has loaded before the session ends, so it is the next click's call that is refused.
    const listed = page.waitForResponse((response) => new URL(response.url()).pathname === '/v1/patients');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect((await listed).status()).toBe(200);
    // The session's own call (GET /v1/auth/session, the user's language; twice under StrictMode) may still
    // be in flight: refused after the logout, it would end the session before the click below.
    await page.waitForLoadState('networkidle');

    const token = (await page.evaluate("sessionStorage.getItem('careflow-bridge.session')")) as string;
    await api.expect(204, 'POST', '/v1/auth/logout', { token });
    // This page's next call is refused: it drops the token and shows sign-in, with the reason. A call of the
    // page's own that networkidle did not see (CI's browser run, once) may be refused first: then the link is
    // gone before the click lands, and sign-in shows the same reason; either way the reason must show.
    const ended = page.getByText('Your session has ended. Sign in again to go back where you were.');
    await Promise.race([
      page
        .getByRole('link', { name: 'Import patient' })
        .first()
        .click()
        .catch(() => undefined),
      ended.waitFor(),
    ]);
    await ended.waitFor();
    // A fresh load (no router state left from that page) still says why.
    await page.goto(`${platform.url}/app/import`);
    await page.getByText('Your session has ended. Sign in again to go back where you were.').waitFor();
    expect(new URL(page.url()).pathname).toBe('/app/login');
  });

  it('sends a tab whose token has expired back to sign-in without calling the API with it', async () => {
    await signInAsAdmin(page);
    await page.getByRole('heading', { name: 'Hospitals' }).waitFor();
    await page.goto(`${platform.url}/app/console/messages`);
    await page.getByRole('heading', { name: 'Message log' }).waitFor();
    const expired = api.forgeToken(
      { sub: platform.admin.clientId, kind: 'client', hid: null, scope: 'admin' },
      { expiresIn: -60 },
    );
    await page.evaluate(`sessionStorage.setItem('careflow-bridge.session', ${JSON.stringify(expired)})`);
    await page.reload();
    await page.getByText('Your session has ended. Sign in again to go back where you were.').waitFor();
    await page.getByRole('tab', { name: 'Integration engineer' }).click();
    await page.getByLabel('Client ID').fill(platform.admin.clientId);
    await page.getByLabel('Client secret').fill(platform.admin.clientSecret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Message log' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/app/console/messages');
  });

  it('speaks French to a French browser, and Dutch once chosen in the header; the choice is kept', async () => {
    await context.close();
    context = await browser.newContext({ locale: 'fr-BE' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${platform.url}/app/login`);
    expect(await page.evaluate('document.documentElement.lang')).toBe('fr');
    await page.getByRole('tab', { name: 'Ingénieur d’intégration' }).click();
    await page.getByLabel('ID client').fill(platform.admin.clientId);
    await page.getByLabel('Secret client').fill(platform.admin.clientSecret);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('heading', { name: 'Hôpitaux' }).waitFor();
    await page.getByRole('link', { name: 'Journal des messages' }).click();
    await page.getByRole('heading', { name: 'Journal des messages' }).waitFor();
    await screenshot(page, 'message-log-fr');

    await page.getByLabel('Langue').selectOption('nl');
    await page.getByRole('heading', { name: 'Berichtenlogboek' }).waitFor();
    expect(await page.evaluate('document.documentElement.lang')).toBe('nl');
    await page.reload();
    await page.getByRole('heading', { name: 'Berichtenlogboek' }).waitFor();
    await page.getByRole('button', { name: 'Afmelden' }).waitFor();
    await screenshot(page, 'message-log-nl');
  });
});
