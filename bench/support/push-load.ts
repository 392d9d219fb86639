/**
 * P1's load and its baseline upsert, shared by bench/push.ts and bench/floor.ts: 64 connections posting
 * patients whose codes come from a large pool (mostly inserts, some updates, as a busy EMR's), and the bare
 * `INSERT .. ON CONFLICT` the baseline routes run straight on PostgreSQL.
 */
import autocannon from 'autocannon';
import type { Pool } from 'pg';

export const CONNECTIONS = 64;

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

export const BASELINE_HOSPITAL_ID = '00000000-0000-4000-8000-000000000001';

export async function createBaselineTable(pool: Pool): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS bench_patients (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(), hospital_id uuid NOT NULL, patient_code text NOT NULL,
    first_name text NOT NULL, last_name text NOT NULL, birth_date text, sex text, email text,
    updated_at timestamptz NOT NULL DEFAULT now(), UNIQUE (hospital_id, patient_code))`);
}

/** The baseline's whole work per request: one statement, one round trip. */
export async function baselineUpsert(
  pool: Pool,
  body: PatientBody,
): Promise<{ id: string; created: boolean }> {
  const { rows } = await pool.query<{ id: string; created: boolean }>(
    `INSERT INTO bench_patients (hospital_id, patient_code, first_name, last_name, birth_date, sex, email)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (hospital_id, patient_code) DO UPDATE SET first_name = EXCLUDED.first_name,
       last_name = EXCLUDED.last_name, updated_at = now()
     RETURNING id, (xmax = 0) AS created`,
    [
      BASELINE_HOSPITAL_ID,
      body.patientCode,
      body.firstName,
      body.lastName,
      body.birthDate,
      body.sex,
      body.email,
    ],
  );
  return rows[0];
}

/**
 * The outbox a push also writes: the two events every upsert records (push.ts's platform writes them as
 * outbox rows in the upsert's transaction; bench/floor.ts's `events` mode as here, in one statement).
 */
export async function createBaselineOutbox(pool: Pool): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS bench_outbox (
    id uuid NOT NULL DEFAULT gen_random_uuid(), event text NOT NULL, payload jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(), txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    seq bigserial NOT NULL)`);
  await pool.query(`CREATE INDEX IF NOT EXISTS bench_outbox_order ON bench_outbox (txid, seq)`);
}

/** The baseline upsert and its two events' outbox rows: one statement, one round trip, three row writes. */
export async function baselineUpsertWithEvents(
  pool: Pool,
  body: PatientBody,
): Promise<{ id: string; created: boolean }> {
  const { rows } = await pool.query<{ id: string; created: boolean }>(
    `WITH patient AS (
       INSERT INTO bench_patients (hospital_id, patient_code, first_name, last_name, birth_date, sex, email)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (hospital_id, patient_code) DO UPDATE SET first_name = EXCLUDED.first_name,
         last_name = EXCLUDED.last_name, updated_at = now()
       RETURNING id, (xmax = 0) AS created),
     events AS (
       INSERT INTO bench_outbox (event, payload)
       SELECT event, jsonb_build_object('patientId', patient.id, 'patientCode', $2::text)
       FROM patient, (VALUES ('patients.patient.upserted.v1'), ('patients.patient.changed.v1')) AS e (event))
     SELECT id, created FROM patient`,
    [
      BASELINE_HOSPITAL_ID,
      body.patientCode,
      body.firstName,
      body.lastName,
      body.birthDate,
      body.sex,
      body.email,
    ],
  );
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

/** Each request upserts a code from a large pool: mostly inserts, some updates, as a busy EMR would. */
export function pushLoad(url: string, token: string, seconds: number, title: string): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    let counter = 0;
    autocannon(
      {
        url: `${url}/v1/patients`,
        title,
        connections: CONNECTIONS,
        duration: seconds,
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        requests: [
          {
            setupRequest: (request) => ({
              ...request,
              body: patientBody(`B${(counter++ * 7919) % 500_000}`),
            }),
          },
        ],
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
