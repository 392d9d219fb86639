import type { Api } from '../support/api';
import type { TestPlatform } from '../support/platform';
import { screenshot, startBrowserSession, type BrowserSession } from './browser';

/** A Care app user with a preferredLanguage gets it after signing in, over the browser's; a choice here wins. */
describe('Care app in Chromium: the signed-in user’s preferred language', () => {
  let session: BrowserSession;
  let platform: TestPlatform;
  let api: Api;
  let hospital: Awaited<ReturnType<Api['createHospital']>>;
  const password = 'correct horse battery staple';

  beforeAll(async () => {
    session = await startBrowserSession();
    ({ platform, api } = session);
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
  });
  afterAll(() => session?.close());

  it('speaks Dutch to a user who prefers it in a French browser, until French is chosen', async () => {
    const page = await session.newPage({ locale: 'fr-BE' });
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
