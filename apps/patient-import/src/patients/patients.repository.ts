import { Injectable } from '@nestjs/common';
import type {
  KeysetPositionV1,
  PatientInputV1,
  PatientSearchV1,
  PatientViewV1,
  Sex,
} from '@bridge/contracts';
import { keysetAtSql, SqlConditions } from '@bridge/database';
import { Outbox, type EventContext } from '@bridge/messaging';
import type { EntityManager } from 'typeorm';
import { positionPayloadSql, traceOfChanged } from '../patient-trace/patient-events';
import { patientMergeSet, storedIdentifiers } from './patient-merge';

interface PatientRow {
  id: string;
  hospital_id: string;
  patient_code: string;
  visit_number: string | null;
  first_name: string;
  last_name: string;
  middle_name: string | null;
  birth_date: string | null;
  sex: Sex;
  email: string | null;
  phone: string | null;
  mobile_phone: string | null;
  national_registry_number: string | null;
  preferred_language: string | null;
  address: PatientViewV1['address'] | null;
  identifiers: { system: string; value: string }[];
  created_at: Date;
  updated_at: Date;
}

export type PatientRecord = Omit<PatientViewV1, 'careFlows'>;

const COLUMNS = `id, hospital_id, patient_code, visit_number, first_name, last_name, middle_name, birth_date, sex,
  email, phone, mobile_phone, national_registry_number, preferred_language, address, identifiers, created_at, updated_at`;

/** One patient to store, with what its trace row and its event name. */
export interface PatientUpsert {
  hospitalId: string;
  /** The id a new patient gets; a stored one keeps its own. */
  id: string;
  patient: PatientInputV1;
  source: string;
  trace?: UpsertTrace;
  /** The correlation id and trace of the request that asked for it, for its event. */
  context: EventContext;
}

export interface UpsertedPatient {
  record: PatientRecord;
  created: boolean;
}

/** Where an upsert came from, for the patient's trace: the import's channel and journal entry. */
export interface UpsertTrace {
  channel?: 'hl7' | 'webservice';
  messageId?: string;
}

/** The statement's input: one row per upsert, from parameters that are arrays of one element per upsert. */
const INCOMING_SQL = `incoming AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
        $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::jsonb[],
        $16::jsonb[], $17::text[], $18::text[], $19::uuid[], $20::text[], $21::text[])
      AS i (id, hospital_id, patient_code, visit_number, first_name, last_name, middle_name, birth_date, sex,
        email, phone, mobile_phone, national_registry_number, preferred_language, address, identifiers, source,
        channel, message_id, correlation_id, traceparent))`;

/**
 * The value the upsert carries for a column that is stored with a default (sex, identifiers), NULL when it
 * carries none: the conflicting row's incoming row, found by the id it proposed.
 */
const carried = (column: string) => `(SELECT i.${column} FROM incoming i WHERE i.id = EXCLUDED.id)`;

/** Rows taken in (hospital, patient code) order, as SIU batches take them: concurrent statements cannot deadlock. */
const UPSERT_SQL = `INSERT INTO patient_import.patients AS p
     (id, hospital_id, patient_code, visit_number, first_name, last_name, middle_name, birth_date, sex, email,
      phone, mobile_phone, national_registry_number, preferred_language, address, identifiers, source)
   SELECT id, hospital_id, patient_code, visit_number, first_name, last_name, middle_name, birth_date,
     COALESCE(sex, 'unknown'), email, phone, mobile_phone, national_registry_number, preferred_language, address,
     COALESCE(identifiers, '[]'::jsonb), source
   FROM incoming ORDER BY hospital_id, patient_code
   ON CONFLICT ON CONSTRAINT patients_hospital_code DO UPDATE SET
     ${patientMergeSet({ sex: carried('sex'), identifiers: carried('identifiers') })}
   RETURNING ${COLUMNS}, source, (xmax = 0) AS created`;

/** Each stored patient with its incoming row. */
const WITH_INCOMING = `changed JOIN incoming i
    ON i.hospital_id = changed.hospital_id AND i.patient_code = changed.patient_code`;

/** The upsert's trace row, named after the command's source, channel and message id. */
const UPSERT_TRACE_SQL = traceOfChanged(
  {
    hospitalId: 'changed.hospital_id',
    patientId: 'changed.id',
    kind: `CASE i.source WHEN 'api' THEN 'push' ELSE i.source END`,
    channel: `CASE i.source WHEN 'api' THEN 'api' ELSE i.channel END`,
    messageId: 'i.message_id',
    summary: `'Patient ' || CASE WHEN changed.created THEN 'created' ELSE 'updated' END || ' by '
    || CASE i.source WHEN 'api' THEN 'a push' WHEN 'import' THEN 'an import from the hospital' ELSE 'an SIU message' END`,
  },
  { announced: true, from: WITH_INCOMING },
);

/**
 * The `patients.patient.upserted.v1` payload, built from the upserted row (ids only, no PHI) and its trace
 * row (`alongside`: the event's place in the patient's order).
 */
const UPSERTED_EVENT_SQL = `json_strip_nulls(json_build_object('hospitalId', changed.hospital_id,
  'patientId', changed.id, 'created', changed.created, 'source', changed.source, ${positionPayloadSql('alongside')}))`;

/** A patient's identity within the platform: its hospital and its patient code. */
export const patientKey = (hospitalId: string, patientCode: string) => `${hospitalId}\u0000${patientCode}`;

/** Named queries on patients; every one takes the hospital id (tenancy is structural). */
@Injectable()
export class PatientsRepository {
  constructor(private readonly outbox: Outbox) {}

  /**
   * Inserts or updates by (hospital, patientCode), one patient per upsert (the caller gives each patient
   * once), in one statement. On update, fields the upsert does not carry keep their stored value: a later
   * push with less detail never erases what the hospital sent before. `created` comes from xmax = 0, which
   * holds only for a freshly inserted row. The same statement writes each patient's
   * `patients.patient.upserted.v1` outbox row (with its own request's correlation id and trace) and trace
   * row: the hot path of the push API is one round trip, shared by the pushes that arrive together
   * (PatientsService). Answers in the order of `upserts`.
   */
  async upsertMany(manager: EntityManager, upserts: PatientUpsert[]): Promise<UpsertedPatient[]> {
    const column = (pick: (upsert: PatientUpsert) => string | null | undefined) =>
      upserts.map((upsert) => pick(upsert) ?? null);
    const statement = this.outbox.withEvent(
      {
        sql: UPSERT_SQL,
        parameters: [
          column((u) => u.id),
          column((u) => u.hospitalId),
          column((u) => u.patient.patientCode),
          column((u) => u.patient.visitNumber),
          column((u) => u.patient.firstName),
          column((u) => u.patient.lastName),
          column((u) => u.patient.middleName),
          column((u) => u.patient.birthDate),
          column((u) => u.patient.sex),
          column((u) => u.patient.email),
          column((u) => u.patient.phone),
          column((u) => u.patient.mobilePhone),
          column((u) => u.patient.nationalRegistryNumber),
          column((u) => u.patient.preferredLanguage),
          column((u) => u.patient.address && JSON.stringify(u.patient.address)),
          column((u) => storedIdentifiers(u.patient)),
          column((u) => u.source),
          column((u) => u.trace?.channel),
          column((u) => u.trace?.messageId),
          column((u) => u.context.correlationId),
          column((u) => u.context.traceparent),
        ],
      },
      'patients.patient.upserted.v1',
      UPSERTED_EVENT_SQL,
      {
        before: INCOMING_SQL,
        // One row per patient: the upserted patient, its incoming row and its trace row.
        alongside: UPSERT_TRACE_SQL,
        from: `${WITH_INCOMING} JOIN alongside ON alongside.traced_patient_id = changed.id`,
        context: { correlationId: 'i.correlation_id', traceparent: 'i.traceparent' },
      },
    );
    const rows: (PatientRow & { created: boolean })[] = await manager.query(
      statement.sql,
      statement.parameters,
    );
    const stored = new Map(rows.map((row) => [patientKey(row.hospital_id, row.patient_code), row]));
    return upserts.map((upsert) => {
      const row = stored.get(patientKey(upsert.hospitalId, upsert.patient.patientCode));
      if (!row) throw new Error('The upsert statement answered no row for one of its patients.');
      return { record: toRecord(row), created: row.created };
    });
  }

  async findById(
    manager: EntityManager,
    hospitalId: string,
    patientId: string,
  ): Promise<PatientRecord | undefined> {
    const rows: PatientRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM patient_import.patients WHERE hospital_id = $1 AND id = $2`,
      [hospitalId, patientId],
    );
    return rows[0] && toRecord(rows[0]);
  }

  /**
   * Most recently updated first, `limit` rows after `after` (keyset on updated_at to the microsecond, then
   * id), and the position of each row for the next page's cursor.
   */
  async listRecent(
    manager: EntityManager,
    hospitalId: string,
    page: { limit: number; after?: KeysetPositionV1 },
  ): Promise<{ record: PatientRecord; position: KeysetPositionV1 }[]> {
    const conditions = new SqlConditions().add('hospital_id = ?', hospitalId).after('updated_at', page.after);
    const limitParameter = conditions.parameter(page.limit);
    const rows: (PatientRow & { position_at: string })[] = await manager.query(
      `SELECT ${COLUMNS}, ${keysetAtSql('updated_at')} AS position_at
         FROM patient_import.patients ${conditions.where()}
        ORDER BY updated_at DESC, id DESC LIMIT ${limitParameter}`,
      conditions.parameters,
    );
    return rows.map((row) => ({ record: toRecord(row), position: { at: row.position_at, id: row.id } }));
  }

  /** All given criteria must match (AND); at most `limit` patients, most recently updated first. */
  async search(
    manager: EntityManager,
    hospitalId: string,
    criteria: PatientSearchV1,
    limit: number,
  ): Promise<PatientRecord[]> {
    const conditions = new SqlConditions()
      .add('hospital_id = ?', hospitalId)
      .add('patient_code = ?', criteria.patientCode)
      .add('national_registry_number = ?', criteria.nationalRegistryNumber)
      .add('identifiers @> ?::jsonb', criteria.identifier && JSON.stringify([criteria.identifier]));
    const limitParameter = conditions.parameter(limit);
    const rows: PatientRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM patient_import.patients ${conditions.where()}
       ORDER BY updated_at DESC, id LIMIT ${limitParameter}`,
      conditions.parameters,
    );
    return rows.map(toRecord);
  }
}

function toRecord(row: PatientRow): PatientRecord {
  const optional = {
    visitNumber: row.visit_number,
    middleName: row.middle_name,
    birthDate: row.birth_date,
    email: row.email,
    phone: row.phone,
    mobilePhone: row.mobile_phone,
    nationalRegistryNumber: row.national_registry_number,
    preferredLanguage: row.preferred_language,
    address: row.address,
  };
  return {
    id: row.id,
    hospitalId: row.hospital_id,
    patientCode: row.patient_code,
    firstName: row.first_name,
    lastName: row.last_name,
    sex: row.sex,
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== null)),
    identifiers: row.identifiers,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
