/**
 * The RabbitMQ transport against a real broker, shared by its two suites: a private node from the launcher
 * (or AMQP_URL for the tests that do not restart the broker), driven directly through the Transport
 * interface with separate publisher/consumer instances, as separate processes would use it.
 */
import { RabbitMqTransport, type RabbitMqTransportOptions } from '@bridge/messaging';
import { Logger } from '@nestjs/common';
import { connect, type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  expectEventually,
  rabbitMqServerBinary,
  startRabbitMq,
  type RabbitMqNode,
} from '../../../libs/testing/src/rabbitmq';

export const canLaunch = !!rabbitMqServerBinary();
// Without a broker to talk to the suites are skipped on a developer machine, but never in CI.
const runnable = canLaunch || !!process.env.AMQP_URL || !!process.env.CI;
export const suite = runnable ? describe : describe.skip;
if (!runnable)
  console.warn('RabbitMQ transport suites skipped: no AMQP_URL and no rabbitmq-server installed');

/** Unique names per run, so a shared broker (AMQP_URL) never mixes runs; deleted after the run. */
const run = randomBytes(3).toString('hex');
const queues = new Set<string>();
export const name = (what: string): string => {
  const unique = `test-${run}.${what}`;
  // Every name may be a queue, an RPC pattern (queue rpc.<name>) or a subscription (and its satellites).
  for (const queue of [unique, `rpc.${unique}`, `${unique}.dlq`]) queues.add(queue);
  return unique;
};

let launched: RabbitMqNode | undefined;
/** The broker the suite talks to, and an admin connection to look at its queues. */
export const rabbit = {} as { url: string; admin: ChannelModel; adminChannel: Channel };
const transports: RabbitMqTransport[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

export async function privateBroker(): Promise<RabbitMqNode> {
  launched ??= await startRabbitMq();
  return launched;
}

export async function transport(options: Partial<RabbitMqTransportOptions> = {}): Promise<RabbitMqTransport> {
  const created = new RabbitMqTransport({
    url: rabbit.url,
    service: 'test',
    closeTimeoutMs: 200,
    ...options,
  });
  transports.push(created);
  await created.start();
  return created;
}

/** Closes the transports the test created (after each test, or before a test's own teardown). */
export async function closeTransports(): Promise<void> {
  await Promise.all(transports.splice(0).map((created) => created.close()));
}

export function publishOptions(messageId = randomUUID()): { messageId: string; correlationId: string } {
  return { messageId, correlationId: `corr-${messageId}` };
}

export function subscription(
  queue: string,
  overrides: Partial<{ prefetch: number; maxAttempts: number; backoffMs: number }> = {},
) {
  const options = { queue, prefetch: 10, maxAttempts: 5, backoffMs: 50, ...overrides };
  for (let attempt = 1; attempt < options.maxAttempts; attempt++) {
    queues.add(`${queue}.retry.${options.backoffMs * 2 ** (attempt - 1)}ms`);
  }
  return options;
}

/** Leaves a shared broker as it was found. */
async function deleteTestQueues(): Promise<void> {
  for (const queue of queues) {
    const channel = await rabbit.admin.createChannel();
    channel.on('error', () => undefined);
    await channel.deleteQueue(queue).catch(() => undefined);
    await channel.close().catch(() => undefined);
  }
}

/** The next message in a queue, polled until one arrives. */
export function nextIn(queue: string, timeoutMs = 10_000): Promise<GetMessage> {
  return expectEventually(
    async () => {
      const message = await rabbit.adminChannel.get(queue, { noAck: true });
      if (!message) throw new Error(`${queue} is empty`);
      return message;
    },
    { timeoutMs },
  );
}

export function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** Connects before the suite, closes every transport after each test (no unhandled rejection allowed), cleans up. */
export function useBroker(): void {
  beforeAll(async () => {
    if (!process.env.DEBUG_RABBITMQ) Logger.overrideLogger(false);
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtException', onUnhandled);
    rabbit.url = process.env.AMQP_URL ?? (await privateBroker()).url;
    rabbit.admin = await connect(rabbit.url);
    rabbit.admin.on('error', () => undefined);
    rabbit.adminChannel = await rabbit.admin.createChannel();
  });

  afterEach(async () => {
    await closeTransports();
    // Jest fails a test on an unhandled rejection too; this also catches ones surfacing between tests.
    expect(unhandled).toEqual([]);
  });

  afterAll(async () => {
    if (process.env.AMQP_URL && rabbit.admin) await deleteTestQueues();
    await rabbit.admin?.close().catch(() => undefined);
    await launched?.stop();
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
  });
}
