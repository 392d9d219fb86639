import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { Page } from 'playwright-core';
import type { Api } from '../support/api';
import type { TestPlatform } from '../support/platform';
import { seriousAxeViolations } from './axe';
import { screenshot, signInAsEngineer, startBrowserSession, type BrowserSession } from './browser';

/**
 * The patient list and the message log a page at a time in Chromium: "Load more" follows the API's
 * nextCursor and disappears on the last page. One session in French, one in Dutch.
 */
describe('Care app in Chromium: patients and the message log, a page at a time', () => {
  let session: BrowserSession;
  let platform: TestPlatform;
  let api: Api;
  let page: Page;
  let hospital: Awaited<ReturnType<Api['createHospital']>>;

  beforeAll(async () => {
    session = await startBrowserSession();
    ({ platform, api } = session);
    hospital = await api.createHospital('web-pages');
    // One more than the screen's page of 50.
    for (let index = 0; index < 51; index++) {
      await api.expect(201, 'POST', '/v1/patients', {
        token: hospital.token,
        body: { patientCode: `PG-${index}`, firstName: 'Page', lastName: `Patient ${index}` },
      });
    }
  });
  afterEach(async () => {
    await page?.close();
  });
  afterAll(() => session?.close());

  async function signIn(clientId: string, clientSecret: string, language: 'fr' | 'nl') {
    page = await session.newPage({ locale: 'en-GB' });
    await signInAsEngineer(page, platform.url, { clientId, clientSecret });
    await page.getByLabel('Language').selectOption(language);
  }

  it('shows 50 patients, then the rest with "load more" (French)', async () => {
    await signIn(hospital.clientId, hospital.clientSecret, 'fr');
    const rows = page.getByRole('table', { name: 'Patients' }).getByRole('row');
    await page.getByRole('link', { name: 'Patient 50, Page' }).waitFor();
    expect(await rows.count()).toBe(51); // the header and 50 patients
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Afficher plus de patients' }).click();
    await page.getByRole('link', { name: 'Patient 0, Page' }).waitFor();
    expect(await rows.count()).toBe(52);
    await page.getByRole('button', { name: 'Afficher plus de patients' }).waitFor({ state: 'detached' });
    await screenshot(page, 'patients-load-more-fr');
  });

  it('pages the message log with its filters kept (Dutch)', async () => {
    const database = new Client({ connectionString: platform.databaseUrl });
    await database.connect();
    try {
      for (const controlId of ['PG-A', 'PG-B', 'PG-C']) {
        await database.query(
          `INSERT INTO hl7_gateway.messages
             (id, hospital_id, channel, direction, type, control_id, status, started_at, created_at)
           VALUES ($1, $2, 'a19', 'outbound', 'QRY^A19', $3, 'replied', now(), now())`,
          [randomUUID(), hospital.id, controlId],
        );
      }
    } finally {
      await database.end();
    }
    await signIn(platform.admin.clientId, platform.admin.clientSecret, 'nl');
    await page.goto(`${platform.url}/app/console/messages?hospitalId=${hospital.id}&limit=2`);
    const table = page.getByRole('table', { name: 'Berichten' });
    await table.getByRole('cell', { name: 'PG-B' }).waitFor();
    expect(await table.getByRole('row').count()).toBe(3);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Meer berichten laden' }).click();
    await table.getByRole('cell', { name: 'PG-A' }).waitFor();
    expect(await table.getByRole('row').count()).toBe(4);
    await page.getByRole('button', { name: 'Meer berichten laden' }).waitFor({ state: 'detached' });
    await screenshot(page, 'message-log-load-more-nl');
  });
});
