import type { Page } from 'playwright-core';
import type { Api } from '../support/api';
import type { TestPlatform } from '../support/platform';
import { seriousAxeViolations } from './axe';
import { screenshot, signInAsEngineer, startBrowserSession, type BrowserSession } from './browser';

/** Times on the screens are in the hospital's own zone, named, whatever the browser's zone is. */
describe('Care app in Chromium: times in the hospital’s time zone', () => {
  let session: BrowserSession;
  let platform: TestPlatform;
  let api: Api;
  let page: Page;
  let admin: string;
  let hospital: Awaited<ReturnType<Api['createHospital']>>;
  let patientId: string;
  let startedAt: Date;

  beforeAll(async () => {
    session = await startBrowserSession();
    ({ platform, api } = session);
    admin = await api.adminToken();
    hospital = await api.createHospital('web-tz');
    await api.expect(200, 'PATCH', `/v1/admin/hospitals/${hospital.id}`, {
      token: admin,
      body: { timezone: 'America/New_York' },
    });
    const patient = await api.expect(201, 'POST', '/v1/patients', {
      token: hospital.token,
      body: {
        patientCode: 'TZ-1',
        firstName: 'Zone',
        lastName: 'Tester',
        careFlow: { definitionKey: 'knee-replacement', baseline: { surgeryDate: '2026-12-01' } },
      },
    });
    patientId = patient.id;
    startedAt = new Date(patient.careFlows[0].startedAt);
  });
  afterEach(async () => {
    await page?.close();
  });
  afterAll(() => session?.close());

  /** What the screen must show: the time in `timeZone`, with the zone named (the browser itself is in Tokyo). */
  const shown = (date: Date, timeZone: string) =>
    new Intl.DateTimeFormat('en', {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      timeZone,
      timeZoneName: 'short',
    }).format(date);

  async function signIn(clientId: string, clientSecret: string) {
    page = await session.newPage({ locale: 'en-GB', timezoneId: 'Asia/Tokyo' });
    await signInAsEngineer(page, platform.url, { clientId, clientSecret });
  }

  it('shows a care flow’s start in the hospital’s zone on the patient page', async () => {
    await signIn(hospital.clientId, hospital.clientSecret);
    await page.getByRole('heading', { name: 'Patients' }).waitFor();
    await page.goto(`${platform.url}/app/patients/${patientId}`);
    const careFlows = page.getByRole('table', { name: 'Care flows' });
    await careFlows.getByRole('cell', { name: shown(startedAt, 'America/New_York') }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'patient-page-hospital-zone');
  });

  it('lets the platform admin change the zone on the hospital page, and the times follow', async () => {
    await signIn(platform.admin.clientId, platform.admin.clientSecret);
    await page.getByRole('link', { name: 'Integration console' }).waitFor();
    await page.goto(`${platform.url}/app/console/hospitals/${hospital.id}`);
    const form = page.getByRole('form', { name: 'Time zone of this hospital' });
    await form.getByLabel('Time zone (IANA)').fill('Mars/Olympus');
    await form.getByRole('button', { name: 'Save time zone' }).click();
    await form.getByRole('alert').waitFor();
    await form.getByLabel('Time zone (IANA)').fill('Asia/Kolkata');
    await form.getByRole('button', { name: 'Save time zone' }).click();
    await form.getByRole('status').getByText('Saved.').waitFor();
    // The audit trail's newest event is this change; its time is shown in IST.
    const audit = page.getByRole('table', { name: 'Audit events' });
    await page.reload();
    await audit
      .getByText(/GMT\+5:30|IST/)
      .first()
      .waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'hospital-zone');
  });
});
