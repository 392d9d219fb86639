import type { Page } from 'playwright-core';
import type { Api } from '../support/api';
import type { TestPlatform } from '../support/platform';
import { seriousAxeViolations } from './axe';
import { screenshot, startBrowserSession, type BrowserSession } from './browser';

/** The console panels whose texts moved into the catalogues, used in French: webhooks, alerts, configuration as code. */
describe('Integration console in Chromium, in French: configuration as code', () => {
  let session: BrowserSession;
  let platform: TestPlatform;
  let api: Api;
  let page: Page;

  beforeAll(async () => {
    session = await startBrowserSession();
    ({ platform, api } = session);
  });
  afterAll(async () => {
    await page?.close();
    await session?.close();
  });

  it('checks an edited document, names the change in French and applies it', async () => {
    const admin = await api.adminToken();
    const hospital = await api.createHospital('web-fr-config');
    const exported = await api.expect(200, 'GET', `/v1/admin/hospitals/${hospital.id}/config`, {
      token: admin,
    });
    const edited = { ...exported, hospital: { ...exported.hospital, timezone: 'Europe/Paris' } };

    page = await session.newPage({ locale: 'fr-BE' });
    await page.goto(`${platform.url}/app/login`);
    await page.getByRole('tab', { name: 'Ingénieur d’intégration' }).click();
    await page.getByLabel('ID client').fill(platform.admin.clientId);
    await page.getByLabel('Secret client').fill(platform.admin.clientSecret);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('link', { name: 'Console d’intégration' }).waitFor();
    await page.goto(`${platform.url}/app/console/hospitals/${hospital.id}`);

    // The webhooks and alerts panels, from the catalogue too (no subscription, no alert yet).
    await page.getByText('Aucun abonnement webhook.', { exact: false }).waitFor();
    await page.getByRole('table', { name: 'Alertes' }).waitFor();
    await page.getByText('Aucune alerte.').waitFor();
    await page
      .getByRole('form', { name: 'Règles d’alerte' })
      .getByText('Hôpital injoignable (HL7 / service web)')
      .waitFor();
    const panel = page.getByRole('region', { name: 'Configuration en tant que code' });
    await panel.getByRole('button', { name: 'Télécharger la configuration' }).waitFor();
    await panel.getByLabel('Fichier de configuration à appliquer').setInputFiles({
      name: 'config.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(edited)),
    });
    const changes = panel.getByRole('table', { name: '1 modification à appliquer' });
    await changes.getByRole('cell', { name: 'modifié', exact: true }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'config-diff-fr');
    await panel.getByRole('button', { name: 'Appliquer ces modifications' }).click();
    await panel.getByRole('status').getByText('Appliqué : 1 modification.').waitFor();
    const after = await api.expect(200, 'GET', `/v1/admin/hospitals/${hospital.id}`, { token: admin });
    expect(after.timezone).toBe('Europe/Paris');
  });
});
