import type { Page } from 'playwright-core';
import type { Api } from '../support/api';
import type { TestPlatform } from '../support/platform';
import { screenshot, signInAsEngineer, startBrowserSession, type BrowserSession } from './browser';

describe('Care app in Chromium: sign in, patients, starting and stopping a care flow', () => {
  let session: BrowserSession;
  let platform: TestPlatform;
  let api: Api;
  let page: Page;
  let hospital: Awaited<ReturnType<Api['createHospital']>>;

  beforeAll(async () => {
    session = await startBrowserSession({}, { timeoutMs: 10_000 });
    ({ platform, api } = session);
    hospital = await api.createHospital('web-a');
    await api.expect(201, 'POST', '/v1/patients', {
      token: hospital.token,
      body: {
        patientCode: 'W-100',
        firstName: 'Françoise',
        lastName: 'Dubois',
        birthDate: '1985-07',
        sex: 'female',
      },
    });
  });
  beforeEach(async () => {
    page = await session.newPage();
  });
  afterEach(async () => {
    await page?.close();
  });
  afterAll(() => session?.close());

  async function signInAsClient(clientId: string, clientSecret: string) {
    await signInAsEngineer(page, platform.url, { clientId, clientSecret });
  }

  it('refuses wrong credentials with a human message', async () => {
    await signInAsClient(hospital.clientId, 'wrong-secret');
    await page.getByRole('alert').getByText('These credentials are not valid.').waitFor();
    await screenshot(page, 'login-refused');
  });

  it('shows the patients, and starts and stops a care flow on the patient page', async () => {
    await signInAsClient(hospital.clientId, hospital.clientSecret);
    const patients = page.getByRole('table', { name: 'Patients' });
    await patients.getByRole('link', { name: 'Dubois, Françoise' }).click();
    await page.getByRole('heading', { name: /Dubois, Françoise/ }).waitFor();
    await screenshot(page, 'patient-page');

    await page.getByRole('button', { name: 'Start a care flow' }).click();
    await page.getByLabel('Physician').selectOption({ label: 'Janssens, Jan' });
    await page.getByLabel('surgeryDate (required)').fill('2026-12-01');
    await page.getByRole('button', { name: 'Start care flow' }).click();
    const careFlows = page.getByRole('table', { name: 'Care flows' });
    await careFlows.getByRole('cell', { name: 'active' }).waitFor();
    await screenshot(page, 'care-flow-started');

    await careFlows.getByRole('button', { name: 'Stop knee-replacement' }).click();
    const dialog = page.getByRole('dialog', { name: 'Stop knee-replacement' });
    await dialog.getByLabel('Reason').fill('Surgery cancelled');
    await dialog.getByRole('button', { name: 'Stop care flow' }).click();
    await careFlows.getByRole('cell', { name: 'stopped (Surgery cancelled)' }).waitFor();
    await screenshot(page, 'care-flow-stopped');

    const stored = await api.expect(200, 'POST', '/v1/patients/search', {
      token: hospital.token,
      body: { patientCode: 'W-100' },
    });
    expect(stored.patients[0].careFlows).toEqual([
      expect.objectContaining({
        status: 'stopped',
        stopReason: 'Surgery cancelled',
        baseline: { surgeryDate: '2026-12-01' },
        physicianCode: 'DR1',
      }),
    ]);
  });

  it('lets a platform admin create a hospital and configure its HL7 connection in the console', async () => {
    await signInAsClient(platform.admin.clientId, platform.admin.clientSecret);
    await page.getByRole('link', { name: 'Integration console' }).click();
    const form = page.getByRole('form', { name: 'New hospital' });
    await form.getByLabel('Key').fill('az-console');
    await form.getByLabel('Name').fill('AZ Console');
    await form.getByRole('button', { name: 'Create hospital' }).click();
    const created = page.getByRole('table', { name: 'Hospitals' }).getByRole('link', { name: 'AZ Console' });
    await created.waitFor();
    // The form is emptied for the next hospital once this one is created.
    expect(await form.getByLabel('Key').inputValue()).toBe('');
    await created.click();
    // The loaded hospital's heading: "Hospital" alone shows only until it has loaded, which can be too brief to see.
    await page.getByRole('heading', { name: 'AZ Console (az-console)' }).waitFor();
    await screenshot(page, 'console-hospital');
  });
});
