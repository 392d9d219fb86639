import type { INestMicroservice } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { processBroker } from '@bridge/messaging';
import { expectEventually } from '@bridge/testing';
import { createNotifierApp } from '../../apps/notifier/src/notifier.app';
import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { WebhookReceiver } from './webhooks.receiver';

const HOSPITAL_SCOPES = [
  'patients:read',
  'patients:write',
  'careflows:write',
  'imports',
  'users:write',
  'webhooks',
];
const ALL_EVENTS = [
  'patient.created',
  'patient.updated',
  'careflow.started',
  'careflow.updated',
  'careflow.stopped',
];
// Fast retries and a short timeout, so a failing receiver recovers within the test's time.
const FAST_DELIVERY = { WEBHOOK_RETRY_BASE_MS: '40', WEBHOOK_TIMEOUT_MS: '400', WEBHOOK_POLL_MS: '25' };

/**
 * A second notifier instance on the same schema and bus: its consumers and delivery worker compete with the
 * platform's own, as two containers would.
 */
function secondNotifier(platform: TestPlatform, overrides: NodeJS.ProcessEnv): Promise<INestMicroservice> {
  const { AMQP_URL: _inProcess, ...env } = process.env;
  return createNotifierApp({
    ...env,
    DATABASE_URL: platform.serviceDatabaseUrls.notifier,
    DATABASE_POOL_SIZE: '3',
    SECRETS_KEY: platform.secretsKey,
    ALLOW_LOOPBACK_DESTINATIONS: 'true',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...overrides,
  });
}

describe('webhooks (signed deliveries, retries, order per patient, redelivery, tenancy)', () => {
  let platform: TestPlatform;
  let api: Api;
  let receiver: WebhookReceiver;
  let hospital: Awaited<ReturnType<Api['createHospital']>>;
  let other: Awaited<ReturnType<Api['createHospital']>>;
  let notifier2: INestMicroservice | undefined;

  beforeAll(async () => {
    platform = await startTestPlatform(FAST_DELIVERY);
    // Distributed, the services are processes on RabbitMQ already; in one process, add a competing instance.
    if (process.env.BRIDGE_TEST_TOPOLOGY !== 'distributed')
      notifier2 = await secondNotifier(platform, FAST_DELIVERY);
    api = new Api(platform);
    hospital = await api.createHospital('hooks-a', HOSPITAL_SCOPES);
    other = await api.createHospital('hooks-b', HOSPITAL_SCOPES);
  });
  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterEach(() => receiver?.close());
  afterAll(async () => {
    await notifier2?.close();
    await platform?.close();
  });

  const subscribe = (token: string, body: object) => api.expect(201, 'POST', '/v1/webhooks', { token, body });
  const push = (token: string, code: string, extra: object = {}) =>
    api.expect(201, 'POST', '/v1/patients', {
      token,
      body: {
        patientCode: code,
        firstName: 'Françoise',
        lastName: 'Dubois',
        birthDate: '1985-07-15',
        ...extra,
      },
    });
  const deliveries = (token: string, webhookId: string) =>
    api.expect(200, 'GET', `/v1/webhooks/${webhookId}/deliveries?limit=200`, { token });

  it('signs each delivery the Standard Webhooks way (checked by the standardwebhooks library), ids only without includePhi', async () => {
    const webhook = await subscribe(hospital.token, { url: receiver.url, events: ['patient.created'] });
    expect(webhook).toMatchObject({ url: receiver.url, events: ['patient.created'], includePhi: false });
    expect(webhook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const patient = await push(hospital.token, 'WH-SIGN-1');
    const [request] = await expectEventually(() => {
      const received = receiver.accepted().filter((r) => r.json.data.patientId === patient.id);
      expect(received).toHaveLength(1);
      return received;
    });
    const verified = new Webhook(webhook.secret).verify(request.body, request.headers) as any;
    expect(verified).toEqual({
      type: 'patient.created',
      timestamp: expect.any(String),
      data: { hospitalId: hospital.id, patientId: patient.id, source: 'api' },
    });
    expect(request.body).not.toContain('Françoise');
    expect(() =>
      new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(request.body, request.headers),
    ).toThrow();
    expect(() =>
      new Webhook(webhook.secret).verify(
        request.body.replace('patient.created', 'patient.updated'),
        request.headers,
      ),
    ).toThrow();

    const list = await api.expect(200, 'GET', '/v1/webhooks', { token: hospital.token });
    expect(list.webhooks).toContainEqual(expect.objectContaining({ id: webhook.id, url: receiver.url }));
    expect(JSON.stringify(list)).not.toContain(webhook.secret.slice(6));
    // The receiver has the request before notifier has its answer: the log says so once it is recorded.
    await expectEventually(async () =>
      expect((await deliveries(hospital.token, webhook.id)).deliveries[0]).toMatchObject({
        id: request.headers['webhook-id'],
        eventType: 'patient.created',
        patientId: patient.id,
        status: 'succeeded',
        attempts: 1,
        lastAttempt: { attempt: 1, responseStatus: 204 },
      }),
    );
    await api.expect(200, 'DELETE', `/v1/webhooks/${webhook.id}`, { token: hospital.token });
  });

  it("sends the patient's fields only to a subscription marked includePhi", async () => {
    const withPhi = await subscribe(hospital.token, {
      url: `${receiver.url}?phi=1`,
      events: ['patient.updated'],
      includePhi: true,
    });
    const withoutPhi = await subscribe(hospital.token, {
      url: `${receiver.url}?phi=0`,
      events: ['patient.updated'],
    });
    const patient = await push(hospital.token, 'WH-PHI-1');
    await api.expect(200, 'POST', '/v1/patients', {
      token: hospital.token,
      body: { patientCode: 'WH-PHI-1', firstName: 'Françoise', lastName: 'Lemaître' },
    });
    const both = await expectEventually(() => {
      const received = receiver.accepted().filter((r) => r.json.data.patientId === patient.id);
      expect(received).toHaveLength(2);
      return received;
    });
    const phi = both.find((r) => r.url.endsWith('?phi=1'))!;
    expect(() => new Webhook(withPhi.secret).verify(phi.body, phi.headers)).not.toThrow();
    expect(phi.json.data.patient).toMatchObject({
      patientCode: 'WH-PHI-1',
      firstName: 'Françoise',
      lastName: 'Lemaître',
    });
    const plain = both.find((r) => r.url.endsWith('?phi=0'))!;
    expect(plain.json.data).toEqual({ hospitalId: hospital.id, patientId: patient.id, source: 'api' });
    expect(() => new Webhook(withoutPhi.secret).verify(plain.body, plain.headers)).not.toThrow();
    expect(plain.body).not.toContain('Lemaître');
    expect(plain.body).not.toContain('WH-PHI-1');
    for (const webhook of [withPhi, withoutPhi]) {
      await api.expect(200, 'DELETE', `/v1/webhooks/${webhook.id}`, { token: hospital.token });
    }
  });

  it('loses nothing and keeps each patient in order through a receiver that fails, times out and recovers', async () => {
    const webhook = await subscribe(hospital.token, { url: receiver.url, events: ALL_EVENTS });
    // Fails often at first (500s and hangs past the timeout), then recovers.
    receiver.behave = ({ index }) => {
      if (index < 40) return index % 3 === 0 ? 'hang' : index % 3 === 1 ? { status: 500 } : { status: 200 };
      return { status: 200 };
    };
    const codes = ['WH-ORD-1', 'WH-ORD-2', 'WH-ORD-3'];
    const expectedTypes = [
      'patient.created',
      'patient.updated',
      'careflow.started',
      'careflow.updated',
      'careflow.stopped',
    ];
    const recorded = async (count: number) =>
      expectEventually(async () => expect((await deliveries(hospital.token, webhook.id)).total).toBe(count));
    // Each change waits until the one before is recorded, so the expected order per patient is this one.
    let total = 0;
    const patients: string[] = [];
    for (const code of codes) {
      const patient = await push(hospital.token, code);
      patients.push(patient.id);
      await recorded((total += 1));
      await api.expect(200, 'POST', '/v1/patients', {
        token: hospital.token,
        body: { patientCode: code, firstName: 'F', lastName: 'D' },
      });
      await recorded((total += 1));
      const careFlow = await api.expect(201, 'POST', `/v1/patients/${patient.id}/care-flows`, {
        token: hospital.token,
        body: {
          definitionKey: 'knee-replacement',
          physicianId: hospital.physicianId,
          baseline: { surgeryDate: '2027-01-10' },
        },
      });
      await recorded((total += 1));
      await api.expect(200, 'PATCH', `/v1/care-flows/${careFlow.id}/baseline`, {
        token: hospital.token,
        body: { baseline: { surgeryDate: '2027-01-11' } },
      });
      await recorded((total += 1));
      await api.expect(200, 'POST', `/v1/care-flows/${careFlow.id}/stop`, {
        token: hospital.token,
        body: { reason: 'done' },
      });
      await recorded((total += 1));
    }

    const log = await expectEventually(
      async () => {
        const page = await deliveries(hospital.token, webhook.id);
        expect(page.deliveries.map((d: any) => d.status)).toEqual(Array(total).fill('succeeded'));
        return page;
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    expect(log.deliveries.some((d: any) => d.attempts > 1)).toBe(true);
    expect(receiver.requests.some((r) => r.answered === undefined)).toBe(true); // some hung past the timeout

    for (const patientId of patients) {
      const ofPatient = receiver.requests.filter((r) => r.json.data.patientId === patientId);
      // 0 lost: each of the patient's five events was accepted, in the order they happened.
      const acceptedOnce = receiver.acceptedOnce().filter((r) => r.json.data.patientId === patientId);
      expect(acceptedOnce.map((r) => r.json.type)).toEqual(expectedTypes);
      const firstAccepted = acceptedOnce.map((r) => r.headers['webhook-id']);
      // 0 out of order: no request for a later event arrived before every earlier one was accepted.
      for (const r of ofPatient) {
        const position = firstAccepted.indexOf(r.headers['webhook-id']);
        const earlierAcceptedBefore = firstAccepted
          .slice(0, position)
          .every((id) =>
            ofPatient.some(
              (e) =>
                e.headers['webhook-id'] === id &&
                e.answered !== undefined &&
                e.answered < 300 &&
                e.index < r.index,
            ),
          );
        expect(earlierAcceptedBefore).toBe(true);
      }
      // Every attempt of one delivery carries the same webhook-id and a valid signature.
      for (const r of ofPatient)
        expect(() => new Webhook(webhook.secret).verify(r.body, r.headers)).not.toThrow();
    }
    await api.expect(200, 'DELETE', `/v1/webhooks/${webhook.id}`, { token: hospital.token });
  });

  it('redelivers a delivery on request with the same webhook-id (audited), and says 404 for an unknown one', async () => {
    const webhook = await subscribe(hospital.token, { url: receiver.url, events: ['patient.created'] });
    const patient = await push(hospital.token, 'WH-RE-1');
    const [first] = await expectEventually(() => {
      const received = receiver.accepted().filter((r) => r.json.data.patientId === patient.id);
      expect(received).toHaveLength(1);
      return received;
    });
    const deliveryId = first.headers['webhook-id'];
    const redelivered = await api.expect(
      202,
      'POST',
      `/v1/webhooks/${webhook.id}/deliveries/${deliveryId}/redeliver`,
      {
        token: hospital.token,
      },
    );
    expect(redelivered).toMatchObject({ id: deliveryId, status: 'pending' });
    await expectEventually(() =>
      expect(receiver.accepted().filter((r) => r.headers['webhook-id'] === deliveryId)).toHaveLength(2),
    );
    const again = receiver.accepted().filter((r) => r.headers['webhook-id'] === deliveryId)[1];
    expect(again.body).toBe(first.body);
    expect(() => new Webhook(webhook.secret).verify(again.body, again.headers)).not.toThrow();
    await expectEventually(async () =>
      expect((await deliveries(hospital.token, webhook.id)).deliveries[0]).toMatchObject({
        status: 'succeeded',
        attempts: 2,
      }),
    );

    const unknown = await api.request(
      'POST',
      `/v1/webhooks/${webhook.id}/deliveries/${webhook.id}/redeliver`,
      {
        token: hospital.token,
      },
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'WEBHOOK_DELIVERY_NOT_FOUND' });

    const admin = await api.adminToken();
    const trail = await api.expect(
      200,
      'GET',
      `/v1/admin/hospitals/${hospital.id}/audit-events?action=webhook.redelivered`,
      {
        token: admin,
      },
    );
    expect(trail.events).toContainEqual(
      expect.objectContaining({ resource: { type: 'webhook-delivery', id: deliveryId } }),
    );
    await api.expect(200, 'DELETE', `/v1/webhooks/${webhook.id}`, { token: hospital.token });
  });

  it("keeps hospitals apart: another hospital neither sees, changes nor receives a subscription's events", async () => {
    const mine = await subscribe(hospital.token, { url: receiver.url, events: ['patient.created'] });
    const theirs = await push(other.token, 'WH-TEN-1');
    const ours = await push(hospital.token, 'WH-TEN-1');
    await expectEventually(() =>
      expect(receiver.accepted().map((r) => r.json.data.patientId)).toContain(ours.id),
    );
    expect(receiver.requests.map((r) => r.json.data.hospitalId)).not.toContain(other.id);
    expect(receiver.requests.map((r) => r.json.data.patientId)).not.toContain(theirs.id);

    expect((await api.expect(200, 'GET', '/v1/webhooks', { token: other.token })).webhooks).toEqual([]);
    for (const [method, path] of [
      ['GET', `/v1/webhooks/${mine.id}/deliveries`],
      ['DELETE', `/v1/webhooks/${mine.id}`],
      ['POST', `/v1/webhooks/${mine.id}/deliveries/${mine.id}/redeliver`],
    ]) {
      const response = await api.request(method, path, { token: other.token });
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ code: 'WEBHOOK_NOT_FOUND' });
    }
    // The console: platform admins see the hospital's subscriptions; another hospital's client cannot.
    const admin = await api.adminToken();
    const console = await api.expect(200, 'GET', `/v1/admin/hospitals/${hospital.id}/webhooks`, {
      token: admin,
    });
    expect(console.webhooks.map((w: any) => w.id)).toContain(mine.id);
    expect(
      (await api.request('GET', `/v1/admin/hospitals/${hospital.id}/webhooks`, { token: other.token }))
        .status,
    ).toBe(403);

    // Deleted: nothing more is sent to it.
    await api.expect(200, 'DELETE', `/v1/webhooks/${mine.id}`, { token: hospital.token });
    const before = receiver.requests.length;
    const later = await push(hospital.token, 'WH-TEN-2');
    const witness = await WebhookReceiver.start();
    try {
      await subscribe(hospital.token, { url: witness.url, events: ['patient.created'] });
      const seen = await push(hospital.token, 'WH-TEN-3');
      await expectEventually(() =>
        expect(witness.accepted().map((r) => r.json.data.patientId)).toContain(seen.id),
      );
      expect(receiver.requests.length).toBe(before);
      expect(receiver.requests.map((r) => r.json.data.patientId)).not.toContain(later.id);
    } finally {
      await witness.close();
    }
  });

  // Alerts come from notifier's own alerts module; here the event is put on the in-process bus as its outbox
  // relay would, twice with one message id, as a redelivery after a crash would.
  const inProcess = process.env.BRIDGE_TEST_TOPOLOGY === 'distributed' ? it.skip : it;
  inProcess(
    'delivers alert.opened then alert.resolved, once per event message even when it arrives twice',
    async () => {
      const webhook = await subscribe(hospital.token, {
        url: receiver.url,
        events: ['alert.opened', 'alert.resolved'],
      });
      const alertId = randomUUID();
      const opened = {
        alertId,
        hospitalId: hospital.id,
        kind: 'dead-letters',
        state: 'open',
        openedAt: new Date().toISOString(),
        detail: '3 dead letters',
      };
      const openedMeta = { messageId: randomUUID(), correlationId: randomUUID(), attempt: 1 };
      await processBroker.publish('alerts.alert.changed.v1', opened, openedMeta);
      await processBroker.publish('alerts.alert.changed.v1', opened, { ...openedMeta, attempt: 2 });
      // Another hospital's alert reaches nobody here.
      await processBroker.publish(
        'alerts.alert.changed.v1',
        { ...opened, alertId: randomUUID(), hospitalId: other.id },
        {
          messageId: randomUUID(),
          correlationId: randomUUID(),
          attempt: 1,
        },
      );
      await expectEventually(async () =>
        expect((await deliveries(hospital.token, webhook.id)).total).toBe(1),
      );
      await processBroker.publish(
        'alerts.alert.changed.v1',
        { ...opened, state: 'resolved', resolvedAt: new Date().toISOString() },
        {
          messageId: randomUUID(),
          correlationId: randomUUID(),
          attempt: 1,
        },
      );
      await expectEventually(() =>
        expect(receiver.accepted().map((r) => r.json.type)).toEqual(['alert.opened', 'alert.resolved']),
      );
      const [first] = receiver.accepted();
      expect(new Webhook(webhook.secret).verify(first.body, first.headers)).toMatchObject({
        type: 'alert.opened',
        data: {
          hospitalId: hospital.id,
          alertId,
          kind: 'dead-letters',
          state: 'open',
          detail: '3 dead letters',
        },
      });
      expect((await deliveries(hospital.token, webhook.id)).total).toBe(2);
      await api.expect(200, 'DELETE', `/v1/webhooks/${webhook.id}`, { token: hospital.token });
    },
  );

  it('refuses what it will not deliver to: plain http off loopback, link-local, bad events, a client without the scope', async () => {
    const refused = async (body: object, status: number, code: string) => {
      const response = await api.request('POST', '/v1/webhooks', { token: hospital.token, body });
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body).toMatchObject({ code });
    };
    await refused(
      { url: 'http://emr.example.org/hooks', events: ['patient.created'] },
      400,
      'WEBHOOK_URL_INVALID',
    );
    await refused(
      { url: 'https://user:pw@emr.example.org/hooks', events: ['patient.created'] },
      400,
      'WEBHOOK_URL_INVALID',
    );
    await refused({ url: 'not a url', events: ['patient.created'] }, 400, 'WEBHOOK_URL_INVALID');
    await refused(
      { url: 'https://169.254.169.254/latest', events: ['patient.created'] },
      400,
      'CONNECTION_DESTINATION_REFUSED',
    );
    await refused(
      { url: 'https://emr.example.org/hooks', events: ['patient.deleted'] },
      400,
      'VALIDATION_FAILED',
    );
    await refused({ url: 'https://emr.example.org/hooks', events: [] }, 400, 'VALIDATION_FAILED');

    const noScope = await api.createHospital('hooks-c');
    const response = await api.request('GET', '/v1/webhooks', { token: noScope.token });
    expect(response.status).toBe(403);
  });
});

describe('webhooks: a delivery that keeps failing', () => {
  let platform: TestPlatform;
  let api: Api;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    // A retry window of 1.5 s stands for the 24 h.
    platform = await startTestPlatform({ ...FAST_DELIVERY, WEBHOOK_RETRY_WINDOW_MS: '1500' });
    api = new Api(platform);
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await receiver?.close();
    await platform?.close();
  });

  it('is retried with backoff until its window is over, then marked failed; a redelivery after the fix succeeds', async () => {
    const hospital = await api.createHospital('hooks-f', HOSPITAL_SCOPES);
    receiver.behave = () => ({ status: 503 });
    const webhook = await api.expect(201, 'POST', '/v1/webhooks', {
      token: hospital.token,
      body: { url: receiver.url, events: ['patient.created', 'patient.updated'] },
    });
    const patient = await api.expect(201, 'POST', '/v1/patients', {
      token: hospital.token,
      body: { patientCode: 'WH-FAIL-1', firstName: 'A', lastName: 'B' },
    });
    const log = () =>
      api.expect(200, 'GET', `/v1/webhooks/${webhook.id}/deliveries`, { token: hospital.token });
    const failed = await expectEventually(
      async () => {
        const [delivery] = (await log()).deliveries;
        expect(delivery).toMatchObject({ status: 'failed', patientId: patient.id });
        return delivery;
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    expect(failed.attempts).toBeGreaterThan(2);
    expect(failed.lastAttempt).toMatchObject({ responseStatus: 503, responseExcerpt: 'receiver says 503' });
    expect(failed.nextAttemptAt).toBeUndefined();
    const attempts = receiver.requests.length;
    expect(attempts).toBe(failed.attempts);
    // Exponential backoff: the wait after attempt k is at least half its step, 40 ms · 2^(k-1) (a lower bound,
    // so a loaded machine cannot make it fail; the jitter's upper half is checked by the unit test).
    const gaps = receiver.requests.slice(1).map((r, i) => r.receivedAt - receiver.requests[i].receivedAt);
    gaps.forEach((gap, k) => expect(gap).toBeGreaterThanOrEqual(20 * 2 ** k - 2));
    expect(
      (
        await api.expect(200, 'GET', `/v1/webhooks/${webhook.id}/deliveries?status=failed`, {
          token: hospital.token,
        })
      ).total,
    ).toBe(1);

    // A later event of the same patient was not held back forever: once the first failed, it goes.
    receiver.behave = () => ({ status: 200 });
    await api.expect(200, 'POST', '/v1/patients', {
      token: hospital.token,
      body: { patientCode: 'WH-FAIL-1', firstName: 'A', lastName: 'C' },
    });
    await expectEventually(() =>
      expect(receiver.accepted().map((r) => r.json.type)).toEqual(['patient.updated']),
    );

    await api.expect(202, 'POST', `/v1/webhooks/${webhook.id}/deliveries/${failed.id}/redeliver`, {
      token: hospital.token,
    });
    await expectEventually(async () => {
      const deliveries = (await log()).deliveries;
      expect(deliveries.find((d: any) => d.id === failed.id)).toMatchObject({
        status: 'succeeded',
        attempts: attempts + 1,
      });
    });
    expect(receiver.accepted().map((r) => r.headers['webhook-id'])).toContain(failed.id);
  });
});
