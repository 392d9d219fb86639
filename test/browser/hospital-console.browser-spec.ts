import type { Page } from 'playwright-core';
import type { Api } from '../support/api';
import type { TestPlatform } from '../support/platform';
import { seriousAxeViolations } from './axe';
import { screenshot, startBrowserSession, type BrowserSession } from './browser';

/** A hospital admin manages users and care-flow definitions from the console, without the API; every screen passes axe. */
describe('Hospital page in Chromium: heading, users and care-flow definitions listed, edited, deactivated', () => {
  let session: BrowserSession;
  let platform: TestPlatform;
  let api: Api;
  let page: Page;
  let hospital: Awaited<ReturnType<Api['createHospital']>>;

  beforeAll(async () => {
    session = await startBrowserSession();
    ({ platform, api } = session);
    hospital = await api.createHospital('web-console');
    page = await session.newPage({ locale: 'en-GB' });
    page.on('dialog', (dialog) => void dialog.accept());

    await page.goto(`${platform.url}/app/login`);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByRole('tab', { name: 'Integration engineer' }).click();
    await page.getByLabel('Client ID').fill(platform.admin.clientId);
    await page.getByLabel('Client secret').fill(platform.admin.clientSecret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .getByRole('table', { name: 'Hospitals' })
      .getByRole('link', { name: 'Hospital web-console' })
      .click();
  });
  afterAll(() => session?.close());

  it('names the hospital in its heading, and the page has no serious accessibility violation', async () => {
    await page.getByRole('heading', { level: 1, name: 'Hospital web-console (web-console)' }).waitFor();
    await page
      .getByRole('table', { name: 'Users' })
      .getByRole('cell', { name: 'dr.web-console@example.org', exact: true })
      .waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'hospital-page-1280');
  });

  it('edits a user and deactivates one: the list shows it, the API agrees', async () => {
    const users = page.getByRole('table', { name: 'Users' });
    await page.getByRole('form', { name: 'New user' }).getByLabel('E-mail').fill('nurse@web-console.example');
    await page.getByRole('form', { name: 'New user' }).getByLabel('First name').fill('Nora');
    await page.getByRole('form', { name: 'New user' }).getByLabel('Last name').fill('Nurse');
    await page.getByRole('button', { name: 'Create user' }).click();
    await users.getByRole('cell', { name: 'nurse@web-console.example', exact: true }).waitFor();

    await users.getByRole('button', { name: 'Edit nurse@web-console.example' }).click();
    const edit = page.getByRole('form', { name: 'Edit nurse@web-console.example' });
    await edit.getByLabel('Last name').fill('Nurse-Peeters');
    await edit.getByLabel('hospital-admin').check();
    await edit.getByLabel('Language').selectOption('nl');
    await edit.getByRole('button', { name: 'Save user' }).click();
    await users.getByRole('cell', { name: 'Nurse-Peeters, Nora', exact: true }).waitFor();

    await users.getByRole('button', { name: 'Deactivate nurse@web-console.example' }).click();
    await users
      .getByRole('row', { name: /nurse@web-console\.example/ })
      .getByRole('cell', { name: 'deactivated', exact: true })
      .waitFor();
    const admin = await api.adminToken();
    const listed = await api.expect(200, 'GET', `/v1/admin/hospitals/${hospital.id}/users`, { token: admin });
    expect(
      listed.find((user: { email: string }) => user.email === 'nurse@web-console.example'),
    ).toMatchObject({
      lastName: 'Nurse-Peeters',
      roles: ['clinician', 'hospital-admin'],
      preferredLanguage: 'nl',
      active: false,
    });
  });

  it('edits a care-flow definition, deactivates it and activates it again', async () => {
    const definitions = page.getByRole('table', { name: 'Care-flow definitions' });
    await definitions.getByRole('button', { name: 'Edit Knee replacement' }).click();
    const edit = page.getByRole('form', { name: 'Edit Knee replacement' });
    await edit.getByLabel('Title').fill('Knee replacement 2026');
    await edit.getByRole('button', { name: 'Save definition' }).click();
    await definitions.getByRole('cell', { name: 'Knee replacement 2026', exact: true }).waitFor();

    await definitions.getByRole('button', { name: 'Deactivate Knee replacement 2026' }).click();
    await definitions.getByRole('cell', { name: 'deactivated', exact: true }).waitFor();
    expect(await api.expect(200, 'GET', '/v1/care-flow-definitions', { token: hospital.token })).toEqual([]);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'hospital-definitions-deactivated');

    await definitions.getByRole('button', { name: 'Activate Knee replacement 2026' }).click();
    await definitions.getByRole('button', { name: 'Deactivate Knee replacement 2026' }).waitFor();
    expect(await api.expect(200, 'GET', '/v1/care-flow-definitions', { token: hospital.token })).toEqual([
      expect.objectContaining({ key: 'knee-replacement', title: 'Knee replacement 2026' }),
    ]);
  });

  it('edits an API client: new name and scopes, listed and in force for its next token', async () => {
    const clients = page.getByRole('table', { name: 'API clients' });
    await clients.getByRole('button', { name: 'Edit EMR' }).click();
    const edit = page.getByRole('form', { name: 'Edit EMR' });
    await edit.getByLabel('Name').fill('EMR production');
    await edit.getByLabel('patients:write').uncheck();
    await edit.getByRole('button', { name: 'Save API client' }).click();
    await clients.getByRole('cell', { name: 'EMR production', exact: true }).waitFor();
    const token = await api.token(hospital.clientId, hospital.clientSecret);
    expect(
      (
        await api.request('POST', '/v1/patients', {
          token,
          body: { patientCode: 'X', firstName: 'X', lastName: 'X' },
        })
      ).status,
    ).toBe(403);
  });

  it('has no serious accessibility violation on the hospitals list and the message log', async () => {
    await page.getByRole('link', { name: 'Hospitals' }).click();
    await page.getByRole('heading', { name: 'Hospitals' }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByRole('link', { name: 'Message log' }).click();
    await page.getByRole('table', { name: 'Messages' }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
  });
});
