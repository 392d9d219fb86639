import type { Browser } from 'playwright-core';
import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { launchBrowser, screenshot } from './browser';

/** A Care app user with a preferredLanguage gets it after signing in, over the browser's; a choice here wins. */
describe('Care app in Chromium: the signed-in user’s preferred language', () => {
  let platform: TestPlatform;
  let api: Api;
  let browser: Browser;
  let hospital: Awaited<ReturnType<Api['createHospital']>>;
  const password = 'correct horse battery staple';

  beforeAll(async () => {
    platform = await startTestPlatform();
    api = new Api(platform);
    hospital = await api.createHospital('web-lang');
    const admin = await api.adminToken();
    await api.expect(201, 'POST', `/v1/admin/hospitals/${hospital.id}/users`, {
      token: admin,
      body: {
        email: 'verpleegster@web-lang.example',
        firstName: 'Lien',
        lastName: 'Maes',
        roles: ['clinician'],
        password,
        preferredLanguage: 'nl-BE',
      },
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  it('speaks Dutch to a user who prefers it in a French browser, until French is chosen', async () => {
    const page = await browser.newPage({ locale: 'fr-BE' });
    page.setDefaultTimeout(15_000);
    await page.goto(`${platform.url}/app/login`);
    await page.getByRole('button', { name: 'Se connecter' }).waitFor();
    await page.getByLabel('E-mail').fill('verpleegster@web-lang.example');
    await page.getByLabel('Mot de passe').fill(password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('button', { name: 'Zoeken' }).waitFor();
    expect(await page.evaluate('document.documentElement.lang')).toBe('nl');
    await screenshot(page, 'preferred-language-nl');
    await page.getByLabel('Taal').selectOption('fr');
    await page.getByRole('button', { name: 'Rechercher' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Rechercher' }).waitFor();
    await page.close();
  });
});
