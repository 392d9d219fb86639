/**
 * P1's load and its baseline upsert, shared by bench/push.ts and bench/floor.ts: 64 connections posting
 * patients (nine in ten new, one in ten an update spread through the run, as a busy EMR's), and the bare
 * `INSERT .. ON CONFLICT` the baseline routes run straight on PostgreSQL.
 */
import autocannon from 'autocannon';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';

const CONNECTIONS = 64;

export interface LoadResult {
  requestsPerSecond: number;
  p99Ms: number;
  errors: number;
  total: number;
}

export interface PatientBody {
  patientCode: string;
  firstName: string;
  lastName: string;
  birthDate: string;
  sex: string;
  email: string;
}

const BASELINE_HOSPITAL_ID = '00000000-0000-4000-8000-000000000001';

export async function createBaselineTable(pool: Pool): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS bench_patients (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(), hospital_id uuid NOT NULL, patient_code text NOT NULL,
    first_name text NOT NULL, last_name text NOT NULL, birth_date text, sex text, email text,
    updated_at timestamptz NOT NULL DEFAULT now(), UNIQUE (hospital_id, patient_code))`);
}

/** The baseline's upsert: one statement, answering the row's id and whether it was inserted. */
const UPSERT_SQL = `INSERT INTO bench_patients (hospital_id, patient_code, first_name, last_name, birth_date, sex, email)
  VALUES ($1, $2, $3, $4, $5, $6, $7)
  ON CONFLICT (hospital_id, patient_code) DO UPDATE SET first_name = EXCLUDED.first_name,
    last_name = EXCLUDED.last_name, updated_at = now()
  RETURNING id, (xmax = 0) AS created`;

/**
 * UPSERT_SQL and, in the same statement, two outbox rows standing for the two events every push records
 * (issue 17): one round trip, three row writes.
 */
const UPSERT_WITH_EVENTS_SQL = `WITH patient AS (${UPSERT_SQL}),
  events AS (
    INSERT INTO bench_outbox (event, payload)
    SELECT 'bench.patient.event-' || n, jsonb_build_object('patientId', patient.id, 'patientCode', $2::text)
    FROM patient, generate_series(1, 2) AS n)
  SELECT id, created FROM patient`;

/** The baseline's whole work per request: one statement, one round trip. */
export function baselineUpsert(pool: Pool, body: PatientBody): Promise<{ id: string; created: boolean }> {
  return upsert(pool, UPSERT_SQL, body);
}

/** POST /v1/patients on `app` answered by the baseline upsert on `pool`: 201 when inserted, else 200. */
export function routeBaselineUpsert(app: FastifyInstance, pool: Pool): void {
  app.post('/v1/patients', async (request, reply) => {
    const row = await baselineUpsert(pool, request.body as PatientBody);
    return reply.status(row.created ? 201 : 200).send(row);
  });
}

/** The outbox baselineUpsertWithEvents writes to. */
export async function createBaselineOutbox(pool: Pool): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS bench_outbox (
    id uuid NOT NULL DEFAULT gen_random_uuid(), event text NOT NULL, payload jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(), txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    seq bigserial NOT NULL)`);
  await pool.query(`CREATE INDEX IF NOT EXISTS bench_outbox_order ON bench_outbox (txid, seq)`);
}

/** The baseline upsert and its two events' outbox rows (UPSERT_WITH_EVENTS_SQL). */
export function baselineUpsertWithEvents(
  pool: Pool,
  body: PatientBody,
): Promise<{ id: string; created: boolean }> {
  return upsert(pool, UPSERT_WITH_EVENTS_SQL, body);
}

async function upsert(pool: Pool, sql: string, body: PatientBody): Promise<{ id: string; created: boolean }> {
  const { rows } = await pool.query<{ id: string; created: boolean }>(sql, [
    BASELINE_HOSPITAL_ID,
    body.patientCode,
    body.firstName,
    body.lastName,
    body.birthDate,
    body.sex,
    body.email,
  ]);
  return rows[0];
}

function patientBody(code: string): string {
  const body: PatientBody = {
    patientCode: code,
    firstName: 'Bench',
    lastName: 'Patient',
    birthDate: '1980-01-01',
    sex: 'female',
    email: 'bench@example.org',
  };
  return JSON.stringify(body);
}

/**
 * How long every server is pushed to before anything is measured (BENCH_WARM_UP_S). V8 optimizes a function
 * after enough calls: after 2 s (3,000-4,000 pushes) plus the 2 s after the settle, the gateway and
 * patient-import still spent 12-20% of their CPU in the optimizing compiler through the first 2-5 s of the
 * measured run (session 41's perf profiles). The baseline and the floor are warmed up as long, so a ratio
 * compares warm servers.
 */
export const WARM_UP_S = Number(process.env.BENCH_WARM_UP_S ?? 10);

/** One push in this many updates a patient pushed before; the others insert a new one. */
const UPDATE_EVERY = 10;
/** An update re-pushes the patient created this many new patients earlier. */
const UPDATE_DISTANCE = 1_000;
/** Codes are drawn from a pool this large, well over what one benchmark run pushes. */
const CODE_POOL = 500_000;

/**
 * Pushes and new patients counted across every load of the process: each load goes on where the last one
 * stopped, so a measured run does not start by pushing again the patients its warm-ups created. When every
 * load started at 0, a run's first seconds were all updates (about a tenth of the run, at half the rate) and
 * the rest all inserts. A load on a database of its own (the baseline's, each topology's, each floor mode's)
 * starts with its warm-up, whose first hundred "updates" name patients pushed to the previous database and so
 * insert; the measured load's updates are all updates.
 */
let pushes = 0;
let patients = 0;

/** The next push's patient code: a new patient, or every UPDATE_EVERY-th push an earlier one, spread evenly. */
function nextPatientCode(): string {
  const isUpdate = pushes++ % UPDATE_EVERY === UPDATE_EVERY - 1 && patients >= UPDATE_DISTANCE;
  const patient = isUpdate ? patients - UPDATE_DISTANCE : patients++;
  return `B${(patient * 7919) % CODE_POOL}`;
}

/** Each request upserts a patient: nine in ten new, one in ten an update, as a busy EMR would. */
export function pushLoad(url: string, token: string, seconds: number, title: string): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${url}/v1/patients`,
        title,
        connections: CONNECTIONS,
        duration: seconds,
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        requests: [{ setupRequest: (request) => ({ ...request, body: patientBody(nextPatientCode()) }) }],
      },
      (error, result) => {
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        const errors = result.errors + result.timeouts + result.non2xx;
        resolve({
          requestsPerSecond: result.requests.average,
          p99Ms: result.latency.p99,
          errors,
          total: result.requests.total,
        });
      },
    );
  });
}
