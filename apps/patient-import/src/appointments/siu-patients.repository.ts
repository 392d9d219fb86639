import { Injectable } from '@nestjs/common';
import type { PatientInputV1 } from '@bridge/contracts';
import { Outbox } from '@bridge/messaging';
import type { EntityManager } from 'typeorm';
import { patientMergeSet, storedIdentifiers } from '../patients/patient-merge';
import { batchPositionSql, positionPayloadSql, type BatchPositions } from '../patient-trace/patient-events';

/**
 * The patients of a batch of SIU messages, created or updated in one statement with their
 * `patients.patient.upserted.v1` events (one outbox row: Outbox.withEvent's `grouped`), rows taken in
 * patient-code order so concurrent batches cannot deadlock.
 */
@Injectable()
export class SiuPatientsRepository {
  constructor(private readonly outbox: Outbox) {}

  /**
   * Creates or updates patients by patient code, one row each (the caller passes each code once), with
   * the push API's rules (PatientsRepository.upsert): a value the message does not carry keeps the stored
   * one. Writes a `patients.patient.upserted.v1` per patient in the same statement.
   */
  async upsertPatients(
    manager: EntityManager,
    hospitalId: string,
    patients: PatientInputV1[],
    positions: BatchPositions,
  ): Promise<Map<string, { id: string; created: boolean }>> {
    const column = <T>(pick: (patient: PatientInputV1) => T | undefined) =>
      patients.map((patient) => pick(patient) ?? null);
    const statement = this.outbox.withEvent(
      {
        sql: `INSERT INTO patient_import.patients AS p
           (id, hospital_id, patient_code, visit_number, first_name, last_name, middle_name, birth_date, sex, email,
            phone, mobile_phone, national_registry_number, preferred_language, address, identifiers, source)
         SELECT gen_random_uuid(), $1, v.code, v.visit, v.first, v.last, v.middle, v.birth, COALESCE(v.sex, 'unknown'), v.email,
           v.phone, v.mobile, v.nrn, v.lang, v.address, COALESCE(v.identifiers, '[]'::jsonb), 'siu'
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                     $10::text[], $11::text[], $12::text[], $13::text[], $14::jsonb[], $15::jsonb[])
           AS v (code, visit, first, last, middle, birth, sex, email, phone, mobile, nrn, lang, address, identifiers)
         ORDER BY v.code
         ON CONFLICT ON CONSTRAINT patients_hospital_code DO UPDATE SET
           ${patientMergeSet({
             sex: `NULLIF(EXCLUDED.sex, 'unknown')`,
             identifiers: `NULLIF(EXCLUDED.identifiers, '[]'::jsonb)`,
           })}
         RETURNING p.id, p.hospital_id, p.patient_code, p.source, (xmax = 0) AS created ${batchPositionSql('p', 'id')}`,
        parameters: [
          hospitalId,
          column((p) => p.patientCode),
          column((p) => p.visitNumber),
          column((p) => p.firstName),
          column((p) => p.lastName),
          column((p) => p.middleName),
          column((p) => p.birthDate),
          column((p) => p.sex),
          column((p) => p.email),
          column((p) => p.phone),
          column((p) => p.mobilePhone),
          column((p) => p.nationalRegistryNumber),
          column((p) => p.preferredLanguage),
          column((p) => (p.address ? JSON.stringify(p.address) : undefined)),
          column(storedIdentifiers),
        ],
      },
      'patients.patient.upserted.v1',
      `json_strip_nulls(json_build_object('hospitalId', hospital_id, 'patientId', id, 'created', created,
        'source', source, ${positionPayloadSql('changed')}))`,
      { grouped: true },
    );
    const rows: { id: string; patient_code: string; created: boolean; patient_position: string }[] =
      await manager.query(statement.sql, statement.parameters);
    positions.note(rows.map((row) => ({ patient_id: row.id, patient_position: row.patient_position })));
    return new Map(rows.map((row) => [row.patient_code, { id: row.id, created: row.created }]));
  }
}
