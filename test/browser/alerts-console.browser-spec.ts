import type { Page } from 'playwright-core';
import type { Api } from '../support/api';
import type { TestPlatform } from '../support/platform';
import { SiuDriver } from '../e2e/siu.fixtures';
import { screenshot, signInAsEngineer, startBrowserSession, type BrowserSession } from './browser';

describe('Integration console in Chromium: alert rules and the alerts they open', () => {
  let session: BrowserSession;
  let platform: TestPlatform;
  let api: Api;
  let page: Page;

  beforeAll(async () => {
    session = await startBrowserSession({ ALERTS_EVALUATE_INTERVAL_MS: '200' });
    ({ platform, api } = session);
    page = await session.newPage();
  });
  afterAll(() => session?.close());

  it('saves an SIU-file-missing rule from the form and lists the alert it opens', async () => {
    const admin = await api.adminToken();
    // The schedule fired on 1 January and no file ever came.
    const hospital = await new SiuDriver(api, admin).hospital('web-alerts', { schedule: '0 6 1 1 *' });

    await signInAsEngineer(page, platform.url, platform.admin);
    await page.getByRole('link', { name: 'Integration console' }).click();
    await page
      .getByRole('table', { name: 'Hospitals' })
      .getByRole('link', { name: 'Hospital web-alerts' })
      .click();

    const form = page.getByRole('form', { name: 'Alert rules' });
    await form.getByLabel('SIU file missing at the time the schedule expects it').check();
    const siuRule = form.getByRole('group').filter({ hasText: 'SIU file missing' });
    await siuRule.getByLabel('Grace (minutes)').fill('0');
    await siuRule.getByRole('group', { name: 'Closed days' }).getByLabel('sun').check();
    await siuRule.getByLabel('Holidays').fill('2026-12-25');
    await form.getByRole('button', { name: 'Save alert rules' }).click();
    await form.getByRole('status').filter({ hasText: 'Alert rules saved.' }).waitFor();

    const stored = await api.expect(200, 'GET', `/v1/admin/hospitals/${hospital.id}/alert-rules`, {
      token: admin,
    });
    expect(stored.rules).toEqual([
      { kind: 'siu-file-missing', graceMinutes: 0, closedDays: ['sun'], holidays: ['2026-12-25'] },
    ]);

    const alerts = page.getByRole('table', { name: 'Alerts' });
    await expectCell(page, alerts, 'siu-file-missing');
    await screenshot(page, 'alerts-panel');
  });
});

/** Refreshes the list until the cell shows (the evaluator runs every 200 ms here). */
async function expectCell(page: Page, table: ReturnType<Page['getByRole']>, name: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    await page.getByRole('button', { name: 'Refresh' }).click();
    if (await table.getByRole('cell', { name, exact: true }).isVisible()) return;
    await table
      .getByRole('cell', { name, exact: true })
      .waitFor({ timeout: 300 })
      .catch(() => undefined);
  }
  throw new Error(`no ${name} alert listed`);
}
