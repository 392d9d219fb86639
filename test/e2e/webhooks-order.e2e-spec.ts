import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { EventName, EventPayload } from '@bridge/contracts';
import { processBroker, RabbitMqTransport } from '@bridge/messaging';
import { metricsRegistry } from '@bridge/observability';
import { expectEventually } from '@bridge/testing';
import {
  CAREFLOW_CHANGED_CONSUMER,
  PATIENT_UPSERTED_CONSUMER,
} from '../../apps/notifier/src/webhooks/deliveries/webhook-events.handler';
import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { dropFile, SiuDriver, siuMessage } from './siu.fixtures';
import { WebhookReceiver } from './webhooks.receiver';

const HOSPITAL_SCOPES = ['patients:read', 'patients:write', 'careflows:write', 'webhooks'];
const EVENTS = ['patient.created', 'patient.updated', 'careflow.started', 'careflow.updated'];
/** Long enough for the held deliveries of the pause test, short enough to watch it run out. */
const ORDER_WAIT_MS = 5000;
const SETTINGS = {
  WEBHOOK_RETRY_BASE_MS: '40',
  WEBHOOK_TIMEOUT_MS: '400',
  WEBHOOK_POLL_MS: '25',
  WEBHOOK_ORDER_WAIT_MS: String(ORDER_WAIT_MS),
};
const distributed = process.env.BRIDGE_TEST_TOPOLOGY === 'distributed';
// Only in one process can the test make notifier's patient queue lag behind its care-flow queue.
const inProcess = distributed ? it.skip : it;

/**
 * Publishes a platform event as a service's outbox relay does, on the platform's own bus: the broker of a
 * distributed platform (the transport's framing: exchange, routing key, messageId), else the process's
 * in-process broker. Tests use it to hand notifier a patient's events in an order of their choosing.
 */
async function eventPublisher(platform: TestPlatform) {
  const transport = distributed
    ? new RabbitMqTransport({ url: platform.amqpUrl!, service: 'e2e-test' })
    : undefined;
  await transport?.start();
  return {
    async publish<E extends EventName>(event: E, payload: EventPayload<E>): Promise<void> {
      const meta = { messageId: randomUUID(), correlationId: randomUUID() };
      if (transport) await transport.publish(event, payload, meta);
      else await processBroker.publish(event, payload, { ...meta, attempt: 1 });
    },
    close: async () => transport?.close(),
  };
}

/** How many deliveries went out without their predecessor, for one hospital (in-process registry). */
async function orderWaitsExpired(hospitalId: string): Promise<number> {
  const metric = metricsRegistry.getSingleMetric('bridge_webhook_order_wait_expired_total');
  const values = metric ? (await metric.get()).values : [];
  return values.filter((value) => value.labels.hospital_id === hospitalId).reduce((n, v) => n + v.value, 0);
}

/**
 * Webhook order per patient across event types (PRODUCT.md Webhooks, apps/notifier/README.md): patient and
 * care-flow events reach notifier on two queues, yet a patient's receiver sees them in the order they
 * happened; a predecessor that never comes delays a delivery by WEBHOOK_ORDER_WAIT_MS at most.
 */
describe('webhooks: order per patient across event types', () => {
  let platform: TestPlatform;
  let api: Api;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    platform = await startTestPlatform(SETTINGS);
    api = new Api(platform);
  });
  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterEach(() => receiver?.close());
  afterAll(() => platform?.close());

  /** A hospital of its own per test, subscribed to every patient event on this test's receiver. */
  async function subscribedHospital(name: string) {
    const hospital = await api.createHospital(name, HOSPITAL_SCOPES);
    const webhook = await api.expect(201, 'POST', '/v1/webhooks', {
      token: hospital.token,
      body: { url: receiver.url, events: EVENTS },
    });
    return { hospital, webhook };
  }

  /** One push that creates the patient and starts a care flow in the same request (one transaction). */
  const pushWithCareFlow = (hospital: { token: string; physicianId: string }, code: string) =>
    api.expect(201, 'POST', '/v1/patients', {
      token: hospital.token,
      body: {
        patientCode: code,
        firstName: 'Ada',
        lastName: 'Peeters',
        careFlow: {
          definitionKey: 'knee-replacement',
          physicianId: hospital.physicianId,
          baseline: { surgeryDate: '2027-01-10' },
        },
      },
    });

  /** The event types the receiver accepted for one patient, each delivery once, in the order it accepted them. */
  const acceptedTypes = (patientId: string) =>
    receiver
      .acceptedOnce()
      .filter((request) => request.json.data.patientId === patientId)
      .map((request) => request.json.type);

  it('a push that creates a patient and starts a care flow: patient.created reaches the receiver first, every time', async () => {
    const { hospital } = await subscribedHospital('order-a');
    const patients = await Promise.all(
      Array.from({ length: 8 }, (_, i) => pushWithCareFlow(hospital, `ORD-A-${i}`)),
    );
    for (const patient of patients) {
      await expectEventually(() =>
        expect(acceptedTypes(patient.id)).toEqual(['patient.created', 'careflow.started']),
      );
    }
  });

  it('holds a delivery whose predecessor has not reached notifier, and sends both in order once it has (both topologies)', async () => {
    const { hospital, webhook } = await subscribedHospital('order-d');
    const publisher = await eventPublisher(platform);
    const patientId = randomUUID();
    try {
      // The care-flow event first, naming a patient event notifier has not seen (positions of this hospital only).
      const publishedAt = Date.now();
      await publisher.publish('careflows.careflow.changed.v1', {
        hospitalId: hospital.id,
        patientId,
        careFlowId: randomUUID(),
        change: 'started',
        definitionKey: 'knee-replacement',
        patientPosition: 2,
        previousPatientPosition: 1,
      });
      await expectEventually(async () => {
        const log = await api.expect(200, 'GET', `/v1/webhooks/${webhook.id}/deliveries`, {
          token: hospital.token,
        });
        expect(log.deliveries.map((d: any) => `${d.eventType}:${d.status}`)).toEqual([
          'careflow.started:pending',
        ]);
      });
      await new Promise((resolve) => setTimeout(resolve, 500)); // 20 rounds of the delivery worker
      expect(acceptedTypes(patientId)).toEqual([]);

      await publisher.publish('patients.patient.upserted.v1', {
        hospitalId: hospital.id,
        patientId,
        created: true,
        source: 'api',
        patientPosition: 1,
      });
      const accepted = await expectEventually(() => {
        const requests = receiver
          .acceptedOnce()
          .filter((request) => request.json.data.patientId === patientId);
        expect(requests.map((request) => request.json.type)).toEqual(['patient.created', 'careflow.started']);
        return requests;
      });
      // Released by its predecessor's arrival, not by the order wait running out.
      expect(accepted[1].receivedAt - publishedAt).toBeLessThan(ORDER_WAIT_MS);
    } finally {
      await publisher.close();
    }
  });

  inProcess(
    "holds care-flow deliveries while notifier's patient queue lags, and sends them after the patient's when it catches up",
    async () => {
      const { hospital, webhook } = await subscribedHospital('order-b');
      const resume = processBroker.pause(PATIENT_UPSERTED_CONSUMER.queue);
      let patients: { id: string }[];
      try {
        patients = await Promise.all(
          ['ORD-B-1', 'ORD-B-2', 'ORD-B-3'].map((code) => pushWithCareFlow(hospital, code)),
        );
        // The care-flow events are recorded (three deliveries, pending) while the patient events wait in their queue.
        await expectEventually(async () => {
          const log = await api.expect(200, 'GET', `/v1/webhooks/${webhook.id}/deliveries`, {
            token: hospital.token,
          });
          expect(log.deliveries.map((d: any) => `${d.eventType}:${d.status}`)).toEqual(
            Array(3).fill('careflow.started:pending'),
          );
        });
        await new Promise((resolve) => setTimeout(resolve, 500)); // 20 rounds of the delivery worker
        expect(receiver.requests).toEqual([]);
      } finally {
        resume();
      }
      for (const patient of patients) {
        await expectEventually(() =>
          expect(acceptedTypes(patient.id)).toEqual(['patient.created', 'careflow.started']),
        );
      }
      // Released by their predecessors' arrival, not by the order wait running out.
      expect(await orderWaitsExpired(hospital.id)).toBe(0);

      // Later changes keep their place behind the held ones.
      await api.expect(
        200,
        'PATCH',
        `/v1/care-flows/${(await careFlowOf(hospital, patients[0].id)).id}/baseline`,
        {
          token: hospital.token,
          body: { baseline: { surgeryDate: '2027-01-11' } },
        },
      );
      await expectEventually(() =>
        expect(acceptedTypes(patients[0].id)).toEqual([
          'patient.created',
          'careflow.started',
          'careflow.updated',
        ]),
      );
    },
  );

  inProcess(
    'a predecessor that never comes delays a delivery by WEBHOOK_ORDER_WAIT_MS only, counted in bridge_webhook_order_wait_expired_total',
    async () => {
      const { hospital } = await subscribedHospital('order-c');
      const resume = processBroker.pause(PATIENT_UPSERTED_CONSUMER.queue);
      let patient: { id: string };
      let pushedAt: number;
      try {
        pushedAt = Date.now();
        patient = await pushWithCareFlow(hospital, 'ORD-C-1');
        const [sent] = await expectEventually(
          () => {
            const accepted = receiver.acceptedOnce().filter((r) => r.json.data.patientId === patient.id);
            expect(accepted.map((r) => r.json.type)).toEqual(['careflow.started']);
            return accepted;
          },
          { timeoutMs: ORDER_WAIT_MS * 4, intervalMs: 100 },
        );
        expect(sent.receivedAt - pushedAt).toBeGreaterThanOrEqual(ORDER_WAIT_MS - 100);
        expect(await orderWaitsExpired(hospital.id)).toBe(1);
      } finally {
        resume();
      }
      // The late patient event is still delivered (at least once: nothing lost, only out of order).
      await expectEventually(() =>
        expect(acceptedTypes(patient.id)).toEqual(['careflow.started', 'patient.created']),
      );
    },
  );

  inProcess(
    'an SIU file that creates a patient and starts its care flow: patient.created first, also when the patient queue lags',
    async () => {
      const { siu, hospital, token, webhook } = await siuHospital('order-siu');
      const resume = processBroker.pause(PATIENT_UPSERTED_CONSUMER.queue);
      try {
        dropFile(
          hospital.dir,
          'order-1.hl7',
          siuMessage({
            event: 'S12',
            controlId: 'ORD-SIU-1',
            patientCode: 'ORD-SIU-1',
            fillerId: 'ORD-APT-1',
            service: 'KNEE',
          }),
        );
        expect(await siu.run(hospital.id)).toMatchObject({ status: 'succeeded', careFlowsStarted: 1 });
        await expectEventually(async () => {
          const log = await api.expect(200, 'GET', `/v1/webhooks/${webhook.id}/deliveries`, { token });
          expect(log.deliveries.map((d: any) => `${d.eventType}:${d.status}`)).toEqual([
            'careflow.started:pending',
          ]);
        });
        await new Promise((resolve) => setTimeout(resolve, 500)); // 20 rounds of the delivery worker
        expect(receiver.requests).toEqual([]);
      } finally {
        resume();
      }
      await expectEventually(() =>
        expect(receiver.acceptedOnce().map((request) => request.json.type)).toEqual([
          'patient.created',
          'careflow.started',
        ]),
      );
      expect(await orderWaitsExpired(hospital.id)).toBe(0);
    },
  );

  it('a push right after an SIU file names its care-flow event as predecessor, and waits for it (both topologies)', async () => {
    const { siu, hospital, token, webhook } = await siuHospital('order-siu-push');
    // In one process the care-flow queue can lag: the push's delivery must then wait for the SIU care flow's.
    const resume = distributed ? () => undefined : processBroker.pause(CAREFLOW_CHANGED_CONSUMER.queue);
    try {
      dropFile(
        hospital.dir,
        'order-2.hl7',
        siuMessage({
          event: 'S12',
          controlId: 'ORD-SIU-2',
          patientCode: 'ORD-SIU-2',
          fillerId: 'ORD-APT-2',
          service: 'KNEE',
        }),
      );
      expect(await siu.run(hospital.id)).toMatchObject({ status: 'succeeded', careFlowsStarted: 1 });
      await api.expect(200, 'POST', '/v1/patients', {
        token: hospital.token,
        body: { patientCode: 'ORD-SIU-2', firstName: 'Ada', lastName: 'Peeters' },
      });
      if (!distributed) {
        // Only the held delivery's state is asserted while paused: how soon patient.created is sent depends on
        // the machine's load, and waiting for it could outlast the order wait.
        await expectEventually(async () => {
          const log = await api.expect(200, 'GET', `/v1/webhooks/${webhook.id}/deliveries`, { token });
          expect(log.deliveries.map((d: any) => `${d.eventType}:${d.status}`)).toContain(
            'patient.updated:pending',
          );
        });
        await new Promise((resolve) => setTimeout(resolve, 500)); // 20 rounds of the delivery worker
        expect(receiver.acceptedOnce().map((request) => request.json.type)).not.toContain('patient.updated');
      }
    } finally {
      resume();
    }
    await expectEventually(() =>
      expect(receiver.acceptedOnce().map((request) => request.json.type)).toEqual([
        'patient.created',
        'careflow.started',
        'patient.updated',
      ]),
    );
    const positions = await deliveryPositions(hospital.id);
    expect(positions.get('careflow.started')?.position).toEqual(expect.any(String));
    expect(positions.get('patient.updated')?.previous).toBe(positions.get('careflow.started')?.position);
    expect(positions.get('careflow.started')?.previous).toBe(positions.get('patient.created')?.position);
    if (!distributed) expect(await orderWaitsExpired(hospital.id)).toBe(0);
  });

  /** An SIU hospital (SiuDriver) subscribed to every patient event on this test's receiver. */
  async function siuHospital(key: string) {
    const admin = await api.adminToken();
    const siu = new SiuDriver(api, admin);
    const hospital = await siu.hospital(key);
    const client = await api.expect(201, 'POST', `/v1/admin/hospitals/${hospital.id}/api-clients`, {
      token: admin,
      body: { name: 'hooks', scopes: ['webhooks'] },
    });
    const token = await api.token(client.clientId, client.clientSecret);
    const webhook = await api.expect(201, 'POST', '/v1/webhooks', {
      token,
      body: { url: receiver.url, events: EVENTS },
    });
    return { siu, hospital, token, webhook };
  }

  /** Each delivery's event position and predecessor, by event type, as notifier recorded them. */
  async function deliveryPositions(hospitalId: string) {
    const client = new Client({ connectionString: platform.serviceDatabaseUrls.notifier });
    await client.connect();
    try {
      const { rows } = await client.query<{ event_type: string; position: string; previous: string | null }>(
        `SELECT event_type, patient_position AS position, previous_patient_position AS previous
         FROM notifier.webhook_deliveries WHERE hospital_id = $1`,
        [hospitalId],
      );
      return new Map(rows.map((row) => [row.event_type, { position: row.position, previous: row.previous }]));
    } finally {
      await client.end();
    }
  }

  async function careFlowOf(hospital: { token: string }, patientId: string): Promise<{ id: string }> {
    const patient = await api.expect(200, 'GET', `/v1/patients/${patientId}`, { token: hospital.token });
    return patient.careFlows[0];
  }
});
