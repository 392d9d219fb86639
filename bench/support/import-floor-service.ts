/**
 * P3's floor (issue 17), started by bench/import.ts with its DirectLookupOptions as JSON in IMPORT_FLOOR_LOOKUP:
 * the least a lookup can add to a direct MLLP query while keeping what PRODUCT.md's message log and audit
 * trail promise. Nothing of ours but the MLLP client and, split across processes, the RabbitMQ transport.
 * `node import-floor-service.js one-process`: Fastify answers `POST /<mode>` by
 * - writing the query's journal row and committing it (the log holds a query before the hospital sees it),
 * - the MLLP exchange, sent as the direct baseline sends it (DirectLookups),
 * - then, for `three-commits`, the row's completion (UPDATE) and the session with its audit event (one INSERT
 *   with a CTE), each committed, as the platform writes them; for `two-commits`, both in one statement: the
 *   completion written beside the session (open decision 1 of issue 17's notes), one durable round trip fewer.
 * `node import-floor-service.js <edge|middle|front>`: the same three commits where the distributed platform
 * makes them: `front` (as gateway) answers `POST /distributed` with an RPC to `middle` (as patient-import), which
 * asks `edge` (as hl7-gateway: journal row, exchange, completion) over a second RPC, then commits the session.
 * Started in that order (edge creates the tables); what `front` + `middle` + `edge` cost beyond the one process
 * is the two RPC hops.
 * No token, no validation, no HL7 parsing or candidates: what the platform adds beyond this is its own work.
 * Every statement is prepared (named), as the platform's are. Prints `ready [url]` once it serves.
 */
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { Pool } from 'pg';
import { RabbitMqTransport } from '../../libs/messaging/src/rabbitmq/rabbitmq.transport';
import { DirectLookups, type DirectLookupOptions } from './direct-lookup';
import { exitOnStopSignal } from './ready-process';

export const FLOOR_MODES = ['three-commits', 'two-commits'] as const;
export type FloorMode = (typeof FLOOR_MODES)[number];
/** The distributed floor's processes, in the order they start. */
export const DISTRIBUTED_ROLES = ['edge', 'middle', 'front'] as const;
type DistributedRole = (typeof DISTRIBUTED_ROLES)[number];
export type FloorRole = 'one-process' | DistributedRole;
const ROLES: readonly FloorRole[] = ['one-process', ...DISTRIBUTED_ROLES];

const LOOKUP_PATTERN = 'bench.floor.import-lookup.v1';
const QUERY_PATTERN = 'bench.floor.hl7-query.v1';
const RPC_TIMEOUT_MS = 10_000;

const HOSPITAL_ID = randomUUID();

const SCHEMA = [
  `CREATE TABLE floor_messages (id uuid PRIMARY KEY, hospital_id uuid NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now(), control_id text NOT NULL, request text NOT NULL,
     answer text, status text NOT NULL, finished_at timestamptz)`,
  `CREATE TABLE floor_sessions (id uuid PRIMARY KEY, hospital_id uuid NOT NULL, message_id uuid NOT NULL,
     answer text NOT NULL, expires_at timestamptz NOT NULL)`,
  `CREATE TABLE floor_outbox (id bigserial PRIMARY KEY, pattern text NOT NULL, payload jsonb NOT NULL)`,
];

/** The session and its audit event in one statement, as ImportsRepository.insertMany writes them ($3: the journal row). */
const SESSION = `session AS (
    INSERT INTO floor_sessions (id, hospital_id, message_id, answer, expires_at)
    VALUES ($1, $2, $3, $4, now() + interval '10 minutes') RETURNING id, hospital_id)
  INSERT INTO floor_outbox (pattern, payload)
  SELECT 'imports.lookup.answered.v1', json_build_object('hospitalId', hospital_id, 'importId', id, 'at', now())
  FROM session`;
const STATEMENTS = {
  journalRow: `INSERT INTO floor_messages (id, hospital_id, control_id, request, status)
    VALUES ($1, $2, $3, $4, 'sent')`,
  completion: `UPDATE floor_messages SET answer = $2, status = 'answered', finished_at = now() WHERE id = $1`,
  session: `WITH ${SESSION}`,
  completionAndSession: `WITH completion AS (
      UPDATE floor_messages SET answer = $4, status = 'answered', finished_at = now() WHERE id = $3), ${SESSION}`,
};

type Stops = (() => Promise<unknown>)[];
type Run = (name: keyof typeof STATEMENTS, values: unknown[]) => Promise<unknown>;

function database(stops: Stops): Run {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  stops.push(() => pool.end());
  return (name, values) => pool.query({ name, text: STATEMENTS[name], values });
}

function directLookups(options: DirectLookupOptions, stops: Stops): DirectLookups {
  const lookups = new DirectLookups(options, 'F');
  stops.push(() => lookups.close());
  return lookups;
}

async function createTables(): Promise<void> {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
  try {
    for (const statement of SCHEMA) await pool.query(statement);
  } finally {
    await pool.end();
  }
}

async function oneProcess(options: DirectLookupOptions, stops: Stops): Promise<void> {
  await createTables();
  const run = database(stops);
  const lookups = directLookups(options, stops);
  const app = Fastify();
  stops.push(() => app.close());
  app.post<{ Params: { mode: string } }>('/:mode', async (request, reply) => {
    const mode = request.params.mode as FloorMode;
    if (!FLOOR_MODES.includes(mode)) return reply.status(404).send();
    const messageId = randomUUID();
    const importId = randomUUID();
    const { text, controlId } = lookups.query();
    await run('journalRow', [messageId, HOSPITAL_ID, controlId, text]);
    const answer = (await lookups.send(text)).toString();
    if (mode === 'three-commits') {
      await run('completion', [messageId, answer]);
      await run('session', [importId, HOSPITAL_ID, messageId, answer]);
    } else {
      await run('completionAndSession', [importId, HOSPITAL_ID, messageId, answer]);
    }
    return reply.status(201).send({ importId, answerLength: answer.length });
  });

  process.stdout.write(`ready ${await app.listen({ port: 0, host: '127.0.0.1' })}\n`);
}

async function distributed(role: DistributedRole, options: DirectLookupOptions, stops: Stops): Promise<void> {
  const transport = new RabbitMqTransport({ url: process.env.AMQP_URL!, service: `bench-floor-${role}` });
  await transport.start();
  stops.push(() => transport.close());
  const ask = async <T>(pattern: string, payload: unknown): Promise<T> => {
    const answer = await transport.request(pattern, payload, {
      timeoutMs: RPC_TIMEOUT_MS,
      correlationId: randomUUID(),
    });
    if (!answer.ok) throw new Error(`${pattern}: ${JSON.stringify(answer.error)}`);
    return answer.result as T;
  };

  if (role === 'edge') {
    await createTables();
    const run = database(stops);
    const lookups = directLookups(options, stops);
    await transport.serve(QUERY_PATTERN, async () => {
      const messageId = randomUUID();
      const { text, controlId } = lookups.query();
      await run('journalRow', [messageId, HOSPITAL_ID, controlId, text]);
      const answer = (await lookups.send(text)).toString();
      await run('completion', [messageId, answer]);
      return { ok: true, result: { messageId, answer } };
    });
  } else if (role === 'middle') {
    const run = database(stops);
    await transport.serve(LOOKUP_PATTERN, async () => {
      const importId = randomUUID();
      const { messageId, answer } = await ask<{ messageId: string; answer: string }>(QUERY_PATTERN, {});
      await run('session', [importId, HOSPITAL_ID, messageId, answer]);
      return { ok: true, result: { importId, answerLength: answer.length } };
    });
  } else {
    const app = Fastify();
    stops.push(() => app.close());
    app.post('/distributed', async (_request, reply) =>
      reply.status(201).send(await ask(LOOKUP_PATTERN, {})),
    );
    process.stdout.write(`ready ${await app.listen({ port: 0, host: '127.0.0.1' })}\n`);
    return;
  }
  process.stdout.write('ready\n');
}

if (require.main === module) {
  const role = process.argv[2] as FloorRole;
  if (!ROLES.includes(role)) {
    process.stderr.write(`usage: node import-floor-service.js <${ROLES.join('|')}>\n`);
    process.exit(2);
  }
  const options = JSON.parse(process.env.IMPORT_FLOOR_LOOKUP ?? '{}') as DirectLookupOptions;
  const stops: Stops = [];
  exitOnStopSignal(stops);
  const started = role === 'one-process' ? oneProcess(options, stops) : distributed(role, options, stops);
  started.catch((error: unknown) => {
    process.stderr.write(`import-floor-service ${role}: ${String(error)}\n`);
    process.exit(1);
  });
}
