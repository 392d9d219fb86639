import type { Page } from 'playwright-core';
import type { Api } from '../support/api';
import type { TestPlatform } from '../support/platform';
import { screenshot, signInAsEngineer, startBrowserSession, type BrowserSession } from './browser';

describe('Credentials in Chromium under the CSP: sign-out ends the session, API clients rotated and deactivated', () => {
  let session: BrowserSession;
  let platform: TestPlatform;
  let api: Api;
  let page: Page;
  /** Anything the Content-Security-Policy blocked: the Care app must need nothing it forbids. */
  const violations: string[] = [];

  beforeAll(async () => {
    session = await startBrowserSession({ CREDENTIAL_CHECK_INTERVAL_MS: '500' });
    ({ platform, api } = session);
    page = await session.newPage();
    page.on('console', (message) => {
      if (/content security policy/i.test(message.text())) violations.push(message.text());
    });
  });
  afterAll(() => session?.close());
  afterEach(() => expect(violations).toEqual([]));

  it('signs a clinical user out on the server: the session token is refused afterwards', async () => {
    const hospital = await api.createHospital('web-logout');
    const link = await api.expect(201, 'POST', '/v1/users/login-token', {
      token: hospital.token,
      body: { email: 'sign.out@web-logout.example', firstName: 'Sign', lastName: 'Out' },
    });
    await page.goto(link.url.replace('http://localhost:3000', platform.url));
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    const sessionToken = (await page.evaluate("sessionStorage.getItem('careflow-bridge.session')")) as
      string | null;
    expect(sessionToken).toBeTruthy();
    expect((await api.request('GET', '/v1/auth/session', { token: sessionToken! })).status).toBe(200);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(
      (await page.evaluate("sessionStorage.getItem('careflow-bridge.session')")) as string | null,
    ).toBeNull();
    expect((await api.request('GET', '/v1/auth/session', { token: sessionToken! })).status).toBe(401);
  });

  it('lists API clients, shows a rotated secret once, and deactivates a client', async () => {
    const hospital = await api.createHospital('web-clients');
    await signInAsEngineer(page, platform.url, platform.admin);
    await page.getByRole('link', { name: 'Integration console' }).click();
    await page
      .getByRole('table', { name: 'Hospitals' })
      .getByRole('link', { name: 'Hospital web-clients' })
      .click();

    const clients = page.getByRole('table', { name: 'API clients' });
    await clients.getByRole('cell', { name: hospital.clientId }).waitFor();
    await clients.getByRole('button', { name: 'Rotate secret of EMR' }).click();
    const shown = page.getByRole('status').filter({ hasText: 'New secret for' });
    await shown.waitFor();
    const newSecret = (await shown.locator('code').nth(1).textContent())!;
    expect(newSecret).toMatch(/^cbs_/);
    await clients.getByText('previous secret valid until', { exact: false }).waitFor();
    await screenshot(page, 'api-client-rotated');
    // Both secrets work during the overlap window.
    await api.token(hospital.clientId, newSecret);
    await api.token(hospital.clientId, hospital.clientSecret);

    page.once('dialog', (dialog) => void dialog.accept());
    await clients.getByRole('button', { name: 'Deactivate EMR' }).click();
    await clients.getByRole('cell', { name: 'deactivated' }).waitFor();
    await screenshot(page, 'api-client-deactivated');
    for (const secret of [newSecret, hospital.clientSecret]) {
      const refused = await api.request('POST', '/v1/oauth/token', {
        body: { grant_type: 'client_credentials', client_id: hospital.clientId, client_secret: secret },
      });
      expect(refused.status).toBe(401);
    }
  });
});
