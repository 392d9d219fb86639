// The bus side of the alert suites (QUALITY.md O2): put a real dead letter on the platform's bus, drain
// it as an operator would, and listen to alerts.alert.changed.v1 as a webhook consumer would. Embedded:
// the process's in-process broker; distributed: the platform's RabbitMQ virtual host. Not a suite itself.
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { expectEventually } from '@bridge/testing';
import { processBroker } from '../../libs/messaging/src/in-process/in-process.broker';
import type { TestPlatform } from '../support/platform';

const SIU_QUEUE = 'siu-ingestor.process';
const LISTENER_QUEUE = 'test.alert-changed';

export interface AlertBus {
  /** Every alerts.alert.changed.v1 delivered since the start, in delivery order. */
  readonly changes: { alertId: string; state: string; kind: string; hospitalId: string }[];
  /**
   * Publishes an siu.message.received.v1 siu-ingestor cannot read, and returns once siu-ingestor has
   * dead-lettered it: a drain that follows must find it there, not see it arrive after the purge.
   */
  poisonSiuMessage(hospitalId: string): Promise<void>;
  /** Removes the hospital's dead letters (an operator draining the DLQ). */
  drainDeadLetters(hospitalId: string): Promise<void>;
  close(): Promise<void>;
}

export async function alertBus(platform: TestPlatform): Promise<AlertBus> {
  return platform.amqpUrl ? rabbitMqAlertBus(platform.amqpUrl) : inProcessAlertBus();
}

function inProcessAlertBus(): AlertBus {
  const owner = {};
  const changes: AlertBus['changes'] = [];
  processBroker.subscribe(
    owner,
    'alerts.alert.changed.v1',
    { queue: LISTENER_QUEUE, prefetch: 10, maxAttempts: 1, backoffMs: 10 },
    async (payload) => void changes.push(payload as AlertBus['changes'][number]),
  );
  return {
    changes,
    poisonSiuMessage: async (hospitalId) => {
      const before = processBroker.deadLetters.length;
      await processBroker.publish(
        'siu.message.received.v1',
        { hospitalId, unreadable: true },
        {
          messageId: randomUUID(),
          correlationId: randomUUID(),
          attempt: 1,
        },
      );
      await expectEventually(() => expect(processBroker.deadLetters.length).toBeGreaterThan(before));
    },
    drainDeadLetters: async (hospitalId) => {
      const letters = processBroker.deadLetters;
      for (let i = letters.length - 1; i >= 0; i--) {
        if ((letters[i].payload as { hospitalId?: string })?.hospitalId === hospitalId) letters.splice(i, 1);
      }
    },
    close: async () => processBroker.detach(owner),
  };
}

async function rabbitMqAlertBus(url: string): Promise<AlertBus> {
  const connection: ChannelModel = await connect(url);
  const channel: ConfirmChannel = await connection.createConfirmChannel();
  const changes: AlertBus['changes'] = [];
  await channel.assertQueue(LISTENER_QUEUE, { exclusive: true });
  // Alert changes are routed by hospital (libs/messaging routing.ts): `<event>.<hospitalId>`.
  await channel.bindQueue(LISTENER_QUEUE, 'bridge.events', 'alerts.alert.changed.v1.*');
  await channel.consume(
    LISTENER_QUEUE,
    (message) => message && changes.push(JSON.parse(message.content.toString('utf8'))),
    { noAck: true },
  );
  return {
    changes,
    poisonSiuMessage: async (hospitalId) => {
      const deadLetters = async () => (await channel.checkQueue(`${SIU_QUEUE}.dlq`)).messageCount;
      const before = await deadLetters();
      channel.publish(
        'bridge.events',
        'siu.message.received.v1',
        Buffer.from(JSON.stringify({ hospitalId, unreadable: true })),
        {
          messageId: randomUUID(),
          correlationId: randomUUID(),
          contentType: 'application/json',
          persistent: true,
        },
      );
      await channel.waitForConfirms();
      await expectEventually(async () => expect(await deadLetters()).toBeGreaterThan(before));
    },
    // The suite's virtual host is its own: every dead letter in it is this test's. A purge alone is not
    // enough: the notifier's census (every 200 ms here) holds the queue's messages unacked while it counts
    // them, a purge skips those, and they come back when it lets go. So the drain consumes the queue,
    // taking every message as it becomes ready, until the bus closes.
    drainDeadLetters: async () => {
      await channel.consume(`${SIU_QUEUE}.dlq`, () => undefined, { noAck: true });
    },
    close: async () => connection.close(),
  };
}
