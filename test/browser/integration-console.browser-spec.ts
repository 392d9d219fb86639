// The simulator and the webhook receiver are test peers on real sockets: tests may start them directly.
import { startHospitalSim, type HospitalSim } from '../../apps/hospital-sim/src/hospital-sim';
import { freePort } from '@bridge/database';
import { expectEventually } from '@bridge/testing';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { Api } from '../support/api';
import type { TestPlatform } from '../support/platform';
import { KNEE_RULE, SiuDriver, dropFile, siuMessage } from '../e2e/siu.fixtures';
import { WebhookReceiver } from '../e2e/webhooks.receiver';
import { seriousAxeViolations } from './axe';
import { screenshot, signInAsEngineer, startBrowserSession, type BrowserSession } from './browser';

/** Fast retries and a one-second window: a delivery the receiver refuses is `failed` within the test. */
const FAST_DELIVERY = {
  WEBHOOK_RETRY_BASE_MS: '40',
  WEBHOOK_TIMEOUT_MS: '400',
  WEBHOOK_POLL_MS: '25',
  WEBHOOK_RETRY_WINDOW_MS: '1000',
};

/**
 * The integration console's operational panels in Chromium, driven as an engineer would: the connection
 * self-test checklist, the webhook delivery log with Redeliver, configuration export / diff / apply, and a
 * bulk reprocess job's progress. Each screen passes axe.
 */
describe('Integration console in Chromium: self-test, webhooks, configuration as code, bulk reprocess', () => {
  let session: BrowserSession;
  let platform: TestPlatform;
  let api: Api;
  let admin: string;
  let sim: HospitalSim;
  let receiver: WebhookReceiver;
  let page: Page;
  let siu: SiuDriver;
  let hospital: Awaited<ReturnType<SiuDriver['hospital']>>;

  const hospitalPage = () => `${platform.url}/app/console/hospitals/${hospital.id}`;
  /** The hospital's HL7 connection to the simulator. */
  const simConnection = () => ({
    host: sim.mllp.host,
    port: sim.mllp.port,
    queryStyle: 'QRY_A19',
    patientIdAuthority: 'AZDEMO',
    timeoutMs: 2000,
  });

  beforeAll(async () => {
    session = await startBrowserSession(FAST_DELIVERY);
    ({ platform, api } = session);
    admin = await api.adminToken();
    sim = await startHospitalSim();
    receiver = await WebhookReceiver.start();
    siu = new SiuDriver(api, admin);
    hospital = await siu.hospital('web-ops', {
      careFlowMap: [{ field: 'AIS-3.1', value: 'EYE', careFlowDefinitionKey: 'cataract' }, KNEE_RULE],
    });
    await api.expect(200, 'PUT', `/v1/admin/hospitals/${hospital.id}/connections/hl7`, {
      token: admin,
      body: simConnection(),
    });
    page = await session.newPage({ locale: 'en-GB' });
    page.on('dialog', (dialog) => void dialog.accept());
    await signInAsEngineer(page, platform.url, platform.admin);
    await page.getByRole('table', { name: 'Hospitals' }).waitFor();
  });
  afterAll(async () => {
    await session?.close();
    await receiver?.close();
    await sim?.close();
  });

  async function openHospital(): Promise<void> {
    await page.goto(hospitalPage());
    await page.getByRole('heading', { level: 1, name: /web-ops/ }).waitFor();
  }

  it('runs the HL7 self-test as a checklist, and names the step where a broken connection stops', async () => {
    await openHospital();
    const hl7Test = page.getByRole('form', { name: 'Self-test of the hl7 connection' });
    await hl7Test.getByRole('button', { name: 'Test' }).click();
    await hl7Test.getByRole('status').getByText('Every step passed.').waitFor();
    const steps = hl7Test.getByRole('listitem');
    expect(await steps.locator('strong').allInnerTexts()).toEqual([
      'Name resolution',
      'TCP connect',
      'TLS',
      'MLLP round trip',
      'Reply is HL7',
      'MSA-2 matches our control id',
      'Acknowledgement and query status',
    ]);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'console-self-test-passed');

    // The hospital's engine goes away: the checklist stops at TCP connect, with the reason in words.
    await api.expect(200, 'PUT', `/v1/admin/hospitals/${hospital.id}/connections/hl7`, {
      token: admin,
      body: {
        host: '127.0.0.1',
        port: await freePort(),
        queryStyle: 'QRY_A19',
        patientIdAuthority: 'AZDEMO',
      },
    });
    await hl7Test.getByRole('button', { name: 'Test' }).click();
    await hl7Test.getByRole('status').getByText('The connection stops at the step marked ✗.').waitFor();
    const failed = hl7Test.locator('li.step-failed');
    expect(await failed.locator('strong').allInnerTexts()).toEqual(['TCP connect']);
    expect(await failed.innerText()).toMatch(/Connection refused by 127\.0\.0\.1:\d+/);

    const siuTest = page.getByRole('form', { name: 'Self-test of the siu connection' });
    await siuTest.getByRole('button', { name: 'Test' }).click();
    await siuTest.getByRole('status').getByText('Every step passed.').waitFor();
    expect(await siuTest.getByRole('listitem').locator('strong').allInnerTexts()).toEqual([
      'Directory',
      'Listing',
      'Archive write permission',
    ]);
  });

  it('edits the HL7 connection’s kept-open time; saving another field keeps it', async () => {
    const path = `/v1/admin/hospitals/${hospital.id}/connections/hl7`;
    await api.expect(200, 'PUT', path, {
      token: admin,
      body: { ...simConnection(), keepOpenMs: 30000 },
    });
    await openHospital();
    const form = page.getByRole('form', { name: 'HL7 connection' });
    const keepOpen = form.getByLabel(/Keep the connection open after a reply/);
    expect(await keepOpen.inputValue()).toBe('30000');
    await form.getByLabel('Timeout (ms)').fill('3000');
    await form.getByRole('button', { name: 'Save HL7 connection' }).click();
    await expectEventually(async () =>
      expect(await api.expect(200, 'GET', path, { token: admin })).toMatchObject({
        timeoutMs: 3000,
        keepOpenMs: 30000,
      }),
    );
    // Emptied: a new connection per query again.
    await keepOpen.fill('');
    await form.getByRole('button', { name: 'Save HL7 connection' }).click();
    await expectEventually(async () =>
      expect(await api.expect(200, 'GET', path, { token: admin })).not.toHaveProperty('keepOpenMs'),
    );
  });

  it('shows a webhook delivery the receiver refused, and redelivers it once the receiver is back', async () => {
    const client = await api.expect(201, 'POST', `/v1/admin/hospitals/${hospital.id}/api-clients`, {
      token: admin,
      body: { name: 'EMR webhooks', scopes: ['webhooks', 'patients:write'] },
    });
    const token = await api.token(client.clientId, client.clientSecret);
    receiver.behave = () => ({ status: 503 });
    await api.expect(201, 'POST', '/v1/webhooks', {
      token,
      body: { url: receiver.url, events: ['patient.created'] },
    });
    const patient = await api.expect(201, 'POST', '/v1/patients', {
      token,
      body: { patientCode: 'WH-1', firstName: 'Lotte', lastName: 'Maes' },
    });
    const deliveries = page.getByRole('table', { name: 'Deliveries' });
    const row = deliveries.getByRole('row', { name: new RegExp(patient.id) });
    // Refused until its retry window (1 s here) closes: failed, with the receiver's answer.
    await expectEventually(
      async () => {
        await openHospital();
        await page
          .getByRole('table', { name: 'Webhook subscriptions' })
          .getByRole('button', { name: 'Delivery log' })
          .click();
        expect(await row.getByRole('cell').allInnerTexts()).toEqual([
          expect.any(String),
          'patient.created',
          patient.id,
          'failed',
          expect.stringMatching(/^\d+$/),
          expect.stringMatching(/^503\b/),
          'Redeliver',
        ]);
      },
      { timeoutMs: 20_000, intervalMs: 500 },
    );
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'console-webhook-failed');

    receiver.behave = () => ({ status: 204 });
    await row.getByRole('button', { name: 'Redeliver' }).click();
    await page.getByRole('status').getByText('Queued for delivery again.').waitFor();
    await expectEventually(async () => expect(receiver.accepted()).toHaveLength(1), { timeoutMs: 10_000 });
    expect(receiver.accepted()[0].json).toMatchObject({
      type: 'patient.created',
      data: { patientId: patient.id },
    });
    await expectEventually(
      async () => {
        await openHospital();
        await page
          .getByRole('table', { name: 'Webhook subscriptions' })
          .getByRole('button', { name: 'Delivery log' })
          .click();
        await row.waitFor();
        expect((await row.getByRole('cell').allInnerTexts()).slice(3, 6)).toEqual([
          'succeeded',
          expect.stringMatching(/^\d+$/),
          expect.stringMatching(/^204\b/),
        ]);
      },
      { timeoutMs: 20_000, intervalMs: 500 },
    );
  });

  it('downloads the configuration, shows the diff of an edited file, and applies it', async () => {
    await openHospital();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download configuration' }).click(),
    ]);
    // Chromium is the run's shared server (test/browser/chromium.ts): the file is copied here, not read in place.
    const downloaded = join(tmpdir(), `hospital-config-download-${hospital.id}.json`);
    await download.saveAs(downloaded);
    const exported = JSON.parse(readFileSync(downloaded, 'utf8'));
    expect(exported.connections.hl7).toMatchObject({ queryStyle: 'QRY_A19', patientIdAuthority: 'AZDEMO' });

    const edited = join(tmpdir(), `hospital-config-${hospital.id}.json`);
    exported.connections.hl7.patientIdAuthority = 'AZNEW';
    writeFileSync(edited, JSON.stringify(exported, null, 2));
    await page.getByLabel('Configuration file to apply').setInputFiles(edited);
    const diff = page.getByRole('table', { name: '1 change to apply' });
    await diff.waitFor();
    expect(await diff.getByRole('row').nth(1).getByRole('cell').allInnerTexts()).toEqual([
      '$.connections.hl7.patientIdAuthority',
      'changed',
      '"AZDEMO"',
      '"AZNEW"',
    ]);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'console-config-diff');
    // The dry run wrote nothing.
    expect(
      await api.expect(200, 'GET', `/v1/admin/hospitals/${hospital.id}/connections/hl7`, { token: admin }),
    ).toMatchObject({ patientIdAuthority: 'AZDEMO' });

    await page.getByRole('button', { name: 'Apply these changes' }).click();
    await page.getByRole('status').getByText('Applied: 1 change.').waitFor();
    expect(
      await api.expect(200, 'GET', `/v1/admin/hospitals/${hospital.id}/connections/hl7`, { token: admin }),
    ).toMatchObject({ patientIdAuthority: 'AZNEW' });
  });

  it("reprocesses the log's failed SIU messages as a job and follows its progress to the end", async () => {
    dropFile(
      hospital.dir,
      'eyes.hl7',
      ['E1', 'E2', 'E3']
        .map((code, i) =>
          siuMessage({ event: 'S12', controlId: `EYE${i}`, patientCode: code, service: 'EYE' }),
        )
        .join(''),
    );
    expect(await siu.run(hospital.id)).toMatchObject({ messagesFailed: 3 });
    // The cause is fixed: the care-flow definition the map names now exists.
    await api.expect(201, 'POST', `/v1/admin/hospitals/${hospital.id}/care-flow-definitions`, {
      token: admin,
      body: { key: 'cataract', title: 'Cataract', baseline: [] },
    });

    await page.goto(`${platform.url}/app/console/messages?hospitalId=${hospital.id}&status=failed`);
    await page.getByRole('button', { name: 'Reprocess matching' }).click();
    const progress = page.getByRole('status').filter({ hasText: 'Reprocess job' });
    await progress.getByText('Reprocess job done: 3 of 3 (3 replayed, 0 not replayable)').waitFor();
    expect(await page.getByRole('progressbar', { name: 'Reprocess progress' }).getAttribute('value')).toBe(
      '3',
    );
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'console-bulk-reprocess');
    await expectEventually(async () => {
      for (const code of ['E1', 'E2', 'E3']) {
        const patient = await siu.patient(hospital, code);
        expect(patient?.careFlows).toEqual([expect.objectContaining({ definitionKey: 'cataract' })]);
      }
    });
  });
});
