import type { Page } from 'playwright-core';
import { SIM_AUTHORITIES } from '../../apps/hospital-sim/src/dataset';
import { startHospitalSim, type HospitalSim } from '../../apps/hospital-sim/src/hospital-sim';
import type { Api } from '../support/api';
import type { TestPlatform } from '../support/platform';
import { seriousAxeViolations } from './axe';
import { screenshot, startBrowserSession, type BrowserSession } from './browser';

describe('Care app in Chromium: a clinical user imports patients from the simulated hospital', () => {
  let session: BrowserSession;
  let platform: TestPlatform;
  let sim: HospitalSim;
  let api: Api;
  let page: Page;
  let hospital: Awaited<ReturnType<Api['createHospital']>>;
  const nurse = { email: 'nurse.web@example.org', password: 'correct horse battery staple' };

  beforeAll(async () => {
    session = await startBrowserSession({}, { timeoutMs: 10_000 });
    ({ platform, api } = session);
    sim = await startHospitalSim({ hangMs: 5000 });
    hospital = await api.createHospital('web-import');
    const admin = await api.adminToken();
    await api.expect(200, 'PUT', `/v1/admin/hospitals/${hospital.id}/connections/hl7`, {
      token: admin,
      body: {
        host: sim.mllp.host,
        port: sim.mllp.port,
        queryStyle: 'QRY_A19',
        patientIdAuthority: SIM_AUTHORITIES.AZDEMO.namespace,
        timeoutMs: 1000,
      },
    });
    await api.expect(200, 'PUT', `/v1/admin/hospitals/${hospital.id}/import-source`, {
      token: admin,
      body: { source: 'hl7' },
    });
    await api.expect(201, 'POST', `/v1/admin/hospitals/${hospital.id}/users`, {
      token: admin,
      body: {
        email: nurse.email,
        firstName: 'Sofie',
        lastName: 'Maes',
        roles: ['clinician'],
        password: nurse.password,
      },
    });
  });
  beforeEach(async () => {
    page = await session.newPage();
  });
  afterEach(async () => {
    await page?.close();
  });
  afterAll(async () => {
    await session?.close();
    await sim?.close();
  });

  async function signInAsNurse() {
    await page.goto(`${platform.url}/app/login`);
    await page.getByLabel('E-mail').fill(nurse.email);
    await page.getByLabel('Password').fill(nurse.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // A sign-in crosses the gateway, the bus and a password check: seconds on a saturated CI core.
    await page.getByRole('heading', { name: 'Patients', exact: true }).waitFor({ timeout: 60_000 });
  }

  async function lookUp(by: 'Hospital patient ID' | 'Visit number', value: string) {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Import patient' })
      .click();
    await page.getByRole('radio', { name: by }).check();
    await page.getByRole('textbox', { name: by }).fill(value);
    await page.getByRole('button', { name: 'Find at the hospital' }).click();
  }

  it('imports by hospital patient ID: candidates, physician, save, patient page', async () => {
    await signInAsNurse();
    await lookUp('Hospital patient ID', '100234');
    const candidates = page.getByRole('table', { name: 'Candidates' });
    await candidates.getByRole('cell', { name: 'Dubois-Lemaître, Françoise', exact: true }).waitFor();
    await expectText(candidates, 'New');
    await screenshot(page, 'import-candidates');
    await page.getByLabel('Physician').selectOption({ label: 'Janssens, Jan' });
    await page.getByRole('button', { name: 'Save patient' }).click();
    await page.getByRole('heading', { name: /Dubois-Lemaître, Françoise/ }).waitFor();
    await screenshot(page, 'import-saved-patient');

    // The same patient again is recognised as already in the Care app.
    await lookUp('Hospital patient ID', '100234');
    await page
      .getByRole('table', { name: 'Candidates' })
      .getByRole('cell', { name: 'Already in the Care app' })
      .waitFor();
  });

  it('shows what differs from the patient already in the Care app, and when the import expires', async () => {
    // The Care app's copy of 100234 was changed since (or never matched): the screen says what saving changes.
    const changed = await api.request('POST', '/v1/patients', {
      token: hospital.token,
      body: { patientCode: '100234', firstName: 'Francine', lastName: 'Dubois-Lemaître' },
    });
    expect([200, 201]).toContain(changed.status);
    await signInAsNurse();
    await lookUp('Hospital patient ID', '100234');
    const differences = page.getByRole('table', { name: 'Compared with the patient in the Care app' });
    const firstName = differences.getByRole('row', { name: /First name/ });
    await firstName.getByRole('cell', { name: 'Francine', exact: true }).waitFor();
    await firstName.getByRole('cell', { name: 'Françoise', exact: true }).waitFor();
    await page.getByText('This import expires at', { exact: false }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'import-differences-1280');
  });

  it('lets a Dutch nurse import and start a care flow in one pass, usable at 768 px', async () => {
    await page.close();
    page = await session.newPage({ locale: 'nl-BE', viewport: { width: 768, height: 1024 } });
    await page.goto(`${platform.url}/app/login`);
    await page.getByLabel('E-mail').fill(nurse.email);
    await page.getByLabel('Wachtwoord').fill(nurse.password);
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    await page.getByRole('heading', { name: 'Patiënten', exact: true }).waitFor({ timeout: 60_000 });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'patients-nl-768');

    await page
      .getByRole('navigation', { name: 'Hoofdmenu' })
      .getByRole('link', { name: 'Patiënt importeren' })
      .click();
    await page.getByRole('radio', { name: 'Opnamenummer' }).check();
    await page.getByRole('textbox', { name: 'Opnamenummer' }).fill('2400012301');
    await page.getByRole('button', { name: 'Opzoeken in het ziekenhuis' }).click();
    await page.getByRole('table', { name: 'Kandidaten' }).getByRole('cell', { name: '2400012301' }).waitFor();
    await page.getByText('Deze import verloopt om', { exact: false }).waitFor();
    await page.getByLabel('Arts').selectOption({ label: 'Janssens, Jan' });
    await page.getByLabel('Nu een zorgpad starten').check();
    await page.getByLabel('surgeryDate (verplicht)').fill('2026-12-24');
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(768);
    await screenshot(page, 'import-nl-768');

    await page.getByRole('button', { name: 'Patiënt opslaan' }).click();
    const careFlows = page.getByRole('table', { name: 'Zorgpaden' });
    await careFlows.getByRole('cell', { name: 'knee-replacement', exact: true }).waitFor();
    await careFlows.getByRole('cell', { name: 'actief', exact: true }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(768);
    await screenshot(page, 'patient-nl-768');
  });

  it('imports by visit number', async () => {
    await signInAsNurse();
    await lookUp('Visit number', '2400012301');
    await page.getByRole('table', { name: 'Candidates' }).getByRole('cell', { name: '2400012301' }).waitFor();
  });

  it('says clearly when the hospital does not know the patient, and when it does not answer in time', async () => {
    await signInAsNurse();
    await lookUp('Hospital patient ID', 'SIM-NOTFOUND');
    await page
      .getByRole('alert')
      .getByText('The hospital does not know this patient.', { exact: false })
      .waitFor();
    await screenshot(page, 'import-not-found');

    await page.getByRole('textbox', { name: 'Hospital patient ID' }).fill('SIM-HANG');
    await page.getByRole('button', { name: 'Find at the hospital' }).click();
    await page.getByRole('status').getByText('Asking the hospital…').waitFor();
    await page.getByRole('alert').getByText('did not answer in time', { exact: false }).waitFor();
    await screenshot(page, 'import-timeout');
  });

  it('opens the Care app from an EMR login link, straight onto the patient', async () => {
    const patient = await api.expect(201, 'POST', '/v1/patients', {
      token: hospital.token,
      body: { patientCode: 'LINK-1', firstName: 'Jan', lastName: 'Linkens' },
    });
    const link = await api
      .expect(201, 'POST', '/v1/users/login-token', {
        token: hospital.token,
        body: {
          hospitalUserId: 'emr-u-77',
          email: 'dr.link@example.org',
          firstName: 'Dirk',
          lastName: 'Link',
          roles: ['physician'],
          patientCode: 'LINK-1',
        },
      })
      .catch(async () =>
        api.expect(200, 'POST', '/v1/users/login-token', {
          token: hospital.token,
          body: {
            hospitalUserId: 'emr-u-77',
            email: 'dr.link@example.org',
            firstName: 'Dirk',
            lastName: 'Link',
            roles: ['physician'],
            patientCode: 'LINK-1',
          },
        }),
      );
    await page.goto(`${platform.url}/app/login#token=${encodeURIComponent(link.token)}`);
    await page.getByRole('heading', { name: /Linkens, Jan/ }).waitFor();
    expect(page.url()).toContain(`/app/patients/${patient.id}`);
    await screenshot(page, 'login-link');
  });
});

async function expectText(locator: import('playwright-core').Locator, text: string): Promise<void> {
  await locator.getByText(text, { exact: true }).first().waitFor();
}
