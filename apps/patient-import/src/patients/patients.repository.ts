import { Injectable } from '@nestjs/common';
import type {
  KeysetPositionV1,
  PatientInputV1,
  PatientSearchV1,
  PatientViewV1,
  Sex,
} from '@bridge/contracts';
import { keysetAtSql, SqlConditions } from '@bridge/database';
import { Outbox } from '@bridge/messaging';
import type { EntityManager } from 'typeorm';
import { positionPayloadSql, traceOfChanged } from '../patient-trace/patient-events';
import { patientMergeSet } from './patient-merge';

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

/**
 * The `patients.patient.upserted.v1` payload, built from the upserted row (ids only, no PHI) and its trace
 * row (`alongside`: the event's place in the patient's order).
 */
const UPSERTED_EVENT_SQL = `json_strip_nulls(json_build_object('hospitalId', hospital_id, 'patientId', id,
  'created', created, 'source', source, ${positionPayloadSql('alongside')}))`;

/** Where an upsert came from, for the patient's trace: the import's channel and journal entry. */
export interface UpsertTrace {
  channel?: 'hl7' | 'webservice';
  messageId?: string;
}

/** The upsert's trace row; $17 is the command's source, $18 the import channel, $19 its message id. */
const UPSERT_TRACE_SQL = traceOfChanged(
  {
    hospitalId: 'hospital_id',
    patientId: 'id',
    kind: `CASE $17 WHEN 'api' THEN 'push' ELSE $17 END`,
    channel: `CASE $17 WHEN 'api' THEN 'api' ELSE $18 END`,
    messageId: '$19',
    summary: `'Patient ' || CASE WHEN created THEN 'created' ELSE 'updated' END || ' by '
    || CASE $17 WHEN 'api' THEN 'a push' WHEN 'import' THEN 'an import from the hospital' ELSE 'an SIU message' END`,
  },
  { announced: true },
);

/** Named queries on patients; every one takes the hospital id (tenancy is structural). */
@Injectable()
export class PatientsRepository {
  constructor(private readonly outbox: Outbox) {}

  /**
   * Insert or update by (hospital, patientCode) in one statement. On update, fields the caller did not
   * send keep their stored value: a later push with less detail never erases what the hospital sent before.
   * `created` comes from xmax = 0, which holds only for a freshly inserted row. The same statement writes
   * the `patients.patient.upserted.v1` outbox row and the patient's trace row: the hot path of the push API
   * is one round trip.
   */
  async upsert(
    manager: EntityManager,
    hospitalId: string,
    id: string,
    patient: PatientInputV1,
    source: string,
    trace: UpsertTrace = {},
  ): Promise<{ record: PatientRecord; created: boolean }> {
    const statement = this.outbox.withEvent(
      {
        sql: `INSERT INTO patient_import.patients AS p
         (id, hospital_id, patient_code, visit_number, first_name, last_name, middle_name, birth_date, sex, email,
          phone, mobile_phone, national_registry_number, preferred_language, address, identifiers, source)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, COALESCE($9, 'unknown'), $10, $11, $12, $13, $14, $15,
               COALESCE($16::jsonb, '[]'::jsonb), $17)
       ON CONFLICT ON CONSTRAINT patients_hospital_code DO UPDATE SET
         ${patientMergeSet({ sex: '$9', identifiers: '$16::jsonb' })}
       RETURNING ${COLUMNS}, source, (xmax = 0) AS created`,
        parameters: [
          id,
          hospitalId,
          patient.patientCode,
          patient.visitNumber ?? null,
          patient.firstName,
          patient.lastName,
          patient.middleName ?? null,
          patient.birthDate ?? null,
          patient.sex ?? null,
          patient.email ?? null,
          patient.phone ?? null,
          patient.mobilePhone ?? null,
          patient.nationalRegistryNumber ?? null,
          patient.preferredLanguage ?? null,
          patient.address ? JSON.stringify(patient.address) : null,
          patient.identifiers
            ? JSON.stringify(patient.identifiers.map(({ system, value }) => ({ system, value })))
            : null,
          source,
          trace.channel ?? null,
          trace.messageId ?? null,
        ],
      },
      'patients.patient.upserted.v1',
      UPSERTED_EVENT_SQL,
      // One row: the upserted patient and its trace row.
      { alongside: UPSERT_TRACE_SQL, from: 'changed, alongside' },
    );
    const rows: (PatientRow & { created: boolean })[] = await manager.query(
      statement.sql,
      statement.parameters,
    );
    return { record: toRecord(rows[0]), created: rows[0].created };
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
