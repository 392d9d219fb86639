import type { Page } from 'playwright-core';
import { expectEventually } from '@bridge/testing';
import type { Api } from '../support/api';
import type { TestPlatform } from '../support/platform';
import { seriousAxeViolations } from './axe';
import { screenshot, signInAsEngineer, startBrowserSession, type BrowserSession } from './browser';

/** The patient page's trace section: what touched the patient, oldest first, refreshed by changes made here. */
describe('Care app in Chromium: the patient trace on the patient page', () => {
  let session: BrowserSession;
  let platform: TestPlatform;
  let api: Api;
  let page: Page;
  let hospital: Awaited<ReturnType<Api['createHospital']>>;

  beforeAll(async () => {
    session = await startBrowserSession({}, { timeoutMs: 10_000 });
    ({ platform, api } = session);
    hospital = await api.createHospital('web-trace');
    const patient = {
      patientCode: 'WT-1',
      firstName: 'Noor',
      lastName: 'Claes',
      sex: 'female',
    };
    const pushed = await api.expect(201, 'POST', '/v1/patients', {
      token: hospital.token,
      body: {
        ...patient,
        careFlow: { definitionKey: 'knee-replacement', baseline: { surgeryDate: '2026-12-01' } },
      },
    });
    await api.expect(200, 'POST', `/v1/care-flows/${pushed.careFlows[0].id}/stop`, {
      token: hospital.token,
      body: { reason: 'moved' },
    });
    await api.expect(200, 'POST', '/v1/patients', { token: hospital.token, body: patient });
  });
  beforeEach(async () => {
    page = await session.newPage();
  });
  afterEach(async () => {
    await page?.close();
  });
  afterAll(() => session?.close());

  const rowsOf = async () =>
    (
      await page
        .getByRole('table', { name: 'What happened to this patient' })
        .getByRole('row')
        .allInnerTexts()
    )
      .slice(1)
      .map((row) => row.split('\t').slice(1, 3).join(' | '));

  it('lists pushes and care-flow changes oldest first, and shows a care flow started on the page at once', async () => {
    await signInAsEngineer(page, platform.url, hospital);
    await page.getByRole('table', { name: 'Patients' }).getByRole('link', { name: 'Claes, Noor' }).click();
    await page.getByRole('heading', { name: 'What happened to this patient' }).waitFor();
    const trace = page.getByRole('table', { name: 'What happened to this patient' });
    await trace.getByRole('cell', { name: 'Care flow stopped' }).waitFor();
    expect(await rowsOf()).toEqual([
      'Push from the hospital | API',
      'Care flow started | API',
      'Care flow stopped | API',
      'Push from the hospital | API',
    ]);
    await trace.getByText('Patient created by a push').waitFor();
    await trace.getByText('Patient updated by a push').waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'patient-trace');

    await page.getByRole('button', { name: 'Start a care flow' }).click();
    await page.getByLabel('Physician').selectOption({ label: 'Janssens, Jan' });
    await page.getByLabel('surgeryDate (required)').fill('2027-01-15');
    await page.getByRole('button', { name: 'Start care flow' }).click();
    await page.getByRole('table', { name: 'Care flows' }).getByRole('cell', { name: 'active' }).waitFor();
    await expectEventually(async () => expect(await rowsOf()).toHaveLength(5), { timeoutMs: 10_000 });
    expect((await rowsOf()).at(-1)).toBe('Care flow started | API');
  });
});
