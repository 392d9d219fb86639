/**
 * The processes of bench/floor.ts, one per `node floor-service.js <role>`:
 * - `direct`: Fastify answering POST /v1/patients with the baseline upsert on PostgreSQL (P1's baseline);
 * - `front`: Fastify handing each request to `worker` as an RPC over RabbitMQ, as the gateway does;
 * - `worker`: serves that RPC with the same upsert, as patient-import does;
 * - `worker-events`: the same, writing the upsert's two events to an outbox in the same statement.
 * Nothing else: no token, no validation, no events, so what `front` + `worker` cost beyond `direct` is the
 * RPC hop itself. Prints `ready <url>` (or `ready` for the worker) once it serves.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { Pool } from 'pg';
import { RabbitMqTransport } from '../../libs/messaging/src/rabbitmq/rabbitmq.transport';
import {
  baselineUpsert,
  baselineUpsertWithEvents,
  createBaselineOutbox,
  createBaselineTable,
  routeBaselineUpsert,
  type PatientBody,
} from './push-load';
import { exitOnStopSignal } from './ready-process';

const FLOOR_PATTERN = 'bench.floor.upsert.v1';
const RPC_TIMEOUT_MS = 10_000;

export type FloorRole = 'direct' | 'front' | 'worker' | 'worker-events';
const ROLES: FloorRole[] = ['direct', 'front', 'worker', 'worker-events'];

async function main(role: FloorRole): Promise<void> {
  const stops: (() => Promise<unknown>)[] = [];
  exitOnStopSignal(stops);

  if (role === 'worker' || role === 'worker-events') {
    const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
    stops.push(() => pool.end());
    await createBaselineTable(pool);
    if (role === 'worker-events') await createBaselineOutbox(pool);
    const upsert = role === 'worker' ? baselineUpsert : baselineUpsertWithEvents;
    const transport = await startTransport('bench-floor-worker', stops);
    await transport.serve(FLOOR_PATTERN, async (payload) => ({
      ok: true,
      result: await upsert(pool, payload as PatientBody),
    }));
    process.stdout.write('ready\n');
    return;
  }

  const app = Fastify();
  stops.push(() => app.close());
  if (role === 'direct') {
    const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
    stops.push(() => pool.end());
    await createBaselineTable(pool);
    routeBaselineUpsert(app, pool);
  } else {
    const transport = await startTransport('bench-floor-front', stops);
    app.post('/v1/patients', async (request, reply) => {
      const answer = await transport.request(FLOOR_PATTERN, request.body, {
        timeoutMs: RPC_TIMEOUT_MS,
        correlationId: randomUUID(),
      });
      if (!answer.ok) return reply.status(500).send(answer.error);
      const row = answer.result as { id: string; created: boolean };
      return reply.status(row.created ? 201 : 200).send(row);
    });
  }
  process.stdout.write(`ready ${await app.listen({ port: 0, host: '127.0.0.1' })}\n`);
}

async function startTransport(
  service: string,
  stops: (() => Promise<unknown>)[],
): Promise<RabbitMqTransport> {
  const transport = new RabbitMqTransport({ url: process.env.AMQP_URL!, service });
  await transport.start();
  stops.push(() => transport.close());
  return transport;
}

if (require.main === module) {
  const role = process.argv[2] as FloorRole;
  if (!ROLES.includes(role)) {
    process.stderr.write(`usage: node floor-service.js <${ROLES.join('|')}>\n`);
    process.exit(2);
  }
  main(role).catch((error: unknown) => {
    process.stderr.write(`floor-service ${role}: ${String(error)}\n`);
    process.exit(1);
  });
}
