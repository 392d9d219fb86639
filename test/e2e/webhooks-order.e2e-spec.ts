import { processBroker } from '@bridge/messaging';
import { metricsRegistry } from '@bridge/observability';
import { expectEventually } from '@bridge/testing';
import { PATIENT_UPSERTED_CONSUMER } from '../../apps/notifier/src/webhooks/deliveries/webhook-events.handler';
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
// Only in one process can the test make notifier's patient queue lag behind its care-flow queue.
const inProcess = process.env.BRIDGE_TEST_TOPOLOGY === 'distributed' ? it.skip : it;

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

  /** The event types the receiver accepted for one patient, in the order it accepted them. */
  const acceptedTypes = (patientId: string) =>
    receiver
      .accepted()
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
            const accepted = receiver.accepted().filter((r) => r.json.data.patientId === patient.id);
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
      const admin = await api.adminToken();
      const siu = new SiuDriver(api, admin);
      const hospital = await siu.hospital('order-siu');
      const client = await api.expect(201, 'POST', `/v1/admin/hospitals/${hospital.id}/api-clients`, {
        token: admin,
        body: { name: 'hooks', scopes: ['webhooks'] },
      });
      const token = await api.token(client.clientId, client.clientSecret);
      const webhook = await api.expect(201, 'POST', '/v1/webhooks', {
        token,
        body: { url: receiver.url, events: EVENTS },
      });
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
        expect(receiver.accepted().map((request) => request.json.type)).toEqual([
          'patient.created',
          'careflow.started',
        ]),
      );
      expect(await orderWaitsExpired(hospital.id)).toBe(0);
    },
  );

  async function careFlowOf(hospital: { token: string }, patientId: string): Promise<{ id: string }> {
    const patient = await api.expect(200, 'GET', `/v1/patients/${patientId}`, { token: hospital.token });
    return patient.careFlows[0];
  }
});
