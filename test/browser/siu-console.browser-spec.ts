import type { Page } from 'playwright-core';
import type { Api } from '../support/api';
import type { TestPlatform } from '../support/platform';
import { KNEE_RULE, SiuDriver, dropFile, siuMessage } from '../e2e/siu.fixtures';
import { screenshot, signInAsEngineer, startBrowserSession, type BrowserSession } from './browser';

describe('Integration console in Chromium: an SIU run, its failed message in the log, and a replay', () => {
  let session: BrowserSession;
  let platform: TestPlatform;
  let api: Api;
  let page: Page;

  beforeAll(async () => {
    session = await startBrowserSession();
    ({ platform, api } = session);
    page = await session.newPage();
  });
  afterAll(() => session?.close());

  it('runs SIU now, shows the failure, and replays the failed message once the cause is fixed', async () => {
    const admin = await api.adminToken();
    const siu = new SiuDriver(api, admin);
    const hospital = await siu.hospital('web-siu', {
      careFlowMap: [{ field: 'AIS-3.1', value: 'EYE', careFlowDefinitionKey: 'cataract' }, KNEE_RULE],
    });
    dropFile(
      hospital.dir,
      'day.hl7',
      siuMessage({ event: 'S12', controlId: 'EYE1', patientCode: 'P-EYE', service: 'EYE' }) +
        siuMessage({ event: 'S12', controlId: 'KNEE1', patientCode: 'P-KNEE' }),
    );

    await signInAsEngineer(page, platform.url, platform.admin);
    await page.getByRole('link', { name: 'Integration console' }).click();
    await page
      .getByRole('table', { name: 'Hospitals' })
      .getByRole('link', { name: 'Hospital web-siu' })
      .click();

    const runs = page.getByRole('region', { name: 'SIU runs' });
    await runs.getByRole('button', { name: 'Run now' }).click();
    const failures = runs.getByRole('table', { name: 'Failed messages' });
    await failures.getByRole('cell', { name: 'EYE1' }).waitFor();
    await failures.getByText('CARE_FLOW_DEFINITION_NOT_FOUND', { exact: false }).waitFor();
    await screenshot(page, 'siu-run');

    // The integration engineer fixes the cause: the care-flow definition the map points at.
    await api.expect(201, 'POST', `/v1/admin/hospitals/${hospital.id}/care-flow-definitions`, {
      token: admin,
      body: { key: 'cataract', title: 'Cataract surgery', baseline: [] },
    });

    await page.getByRole('link', { name: 'Message log of this hospital' }).click();
    const filters = page.getByRole('form', { name: 'Filter messages' });
    await filters.getByLabel('Status').selectOption('failed');
    await filters.getByRole('button', { name: 'Filter' }).click();
    const messages = page.getByRole('table', { name: 'Messages' });
    await messages.getByRole('cell', { name: 'EYE1' }).waitFor();
    await messages.getByRole('link').first().click();

    await page.getByRole('heading', { name: 'SIU^S12 · failed' }).waitFor();
    const message = page.getByRole('region', { name: 'Message' });
    await message.getByText('MSH-10 Message control ID').waitFor({ state: 'attached' });
    await screenshot(page, 'siu-failed-message');
    await page.getByRole('button', { name: 'Reprocess' }).click();
    await page.getByRole('heading', { name: 'SIU^S12 · processed' }).waitFor();
    await screenshot(page, 'siu-reprocessed');

    const patient = await siu.patient(hospital, 'P-EYE');
    expect(patient.careFlows).toEqual([
      expect.objectContaining({ definitionKey: 'cataract', status: 'active' }),
    ]);
  });
});
