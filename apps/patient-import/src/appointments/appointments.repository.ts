import { Injectable } from '@nestjs/common';
import type { AppointmentMessageAppliedV1, PatientInputV1 } from '@bridge/contracts';
import type { SiuAction } from '@bridge/hl7';
import { Outbox } from '@bridge/messaging';
import type { EntityManager } from 'typeorm';
import { batchPositionSql, positionPayloadSql, type BatchPositions } from '../patient-trace/patient-events';
import type { AppointmentMessage } from './appointment-replay';

export interface LockedAppointment {
  id: string;
  appointmentId: string;
  careFlowId?: string;
}

export interface StoredCareFlow {
  id: string;
  patientId: string;
  definitionKey: string;
  status: 'active' | 'stopped' | 'completed';
  physicianId?: string;
  physicianCode?: string;
  baseline: Record<string, string>;
}

export interface NewSiuCareFlow {
  id: string;
  patientId: string;
  definitionKey: string;
  physicianId?: string;
  physicianCode?: string;
  baseline: Record<string, string>;
  appointmentId: string;
  messageId: string;
}

/** `careflows.careflow.changed.v1`, built in SQL from each changed care-flow row (ids only, no PHI). */
function changedEventSql(change: 'started' | 'updated' | 'stopped'): string {
  return `json_strip_nulls(json_build_object('hospitalId', hospital_id, 'patientId', patient_id, 'careFlowId', id,
    'change', '${change}', 'definitionKey', definition_key, 'appointmentId', appointment_id,
    ${positionPayloadSql('changed')}))`;
}

/** The RETURNING of a care-flow statement (`row`: its target's name), with its events' positions. */
function careFlowReturning(row: string, positions: BatchPositions, parameters: unknown[]): string {
  const [patientIds, latest] = positions.parameters();
  parameters.push(patientIds, latest);
  const batch = { patientIds: `$${parameters.length - 1}`, positions: `$${parameters.length}` };
  return `RETURNING ${row}.id, ${row}.hospital_id, ${row}.patient_id, ${row}.definition_key, ${row}.appointment_id
    ${batchPositionSql(row, 'patient_id', batch)}`;
}

/**
 * Set-based queries for applying SIU messages a batch at a time: a statement handles every message of the
 * batch, so a batch of a hundred messages costs a dozen round trips. Every query takes the hospital id.
 * Rows are locked in a fixed order (patient code, appointment id) so concurrent batches cannot deadlock.
 */
@Injectable()
export class AppointmentsRepository {
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
           visit_number = COALESCE(EXCLUDED.visit_number, p.visit_number),
           first_name = EXCLUDED.first_name,
           last_name = EXCLUDED.last_name,
           middle_name = COALESCE(EXCLUDED.middle_name, p.middle_name),
           birth_date = COALESCE(EXCLUDED.birth_date, p.birth_date),
           sex = CASE WHEN EXCLUDED.sex = 'unknown' THEN p.sex ELSE EXCLUDED.sex END,
           email = COALESCE(EXCLUDED.email, p.email),
           phone = COALESCE(EXCLUDED.phone, p.phone),
           mobile_phone = COALESCE(EXCLUDED.mobile_phone, p.mobile_phone),
           national_registry_number = COALESCE(EXCLUDED.national_registry_number, p.national_registry_number),
           preferred_language = COALESCE(EXCLUDED.preferred_language, p.preferred_language),
           address = COALESCE(EXCLUDED.address, p.address),
           identifiers = CASE WHEN EXCLUDED.identifiers = '[]'::jsonb THEN p.identifiers ELSE EXCLUDED.identifiers END,
           updated_at = now()
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
          column((p) =>
            p.identifiers
              ? JSON.stringify(p.identifiers.map(({ system, value }) => ({ system, value })))
              : undefined,
          ),
        ],
      },
      'patients.patient.upserted.v1',
      `json_strip_nulls(json_build_object('hospitalId', hospital_id, 'patientId', id, 'created', created,
        'source', source, ${positionPayloadSql('changed')}))`,
    );
    const rows: { id: string; patient_code: string; created: boolean; patient_position: string }[] =
      await manager.query(statement.sql, statement.parameters);
    positions.note(rows.map((row) => ({ patient_id: row.id, patient_position: row.patient_position })));
    return new Map(rows.map((row) => [row.patient_code, { id: row.id, created: row.created }]));
  }

  /**
   * Locks the appointments that exist (in appointment id order) until the transaction ends; the others are
   * inserted with their care flow once it is known (insertAppointments), so a new appointment costs one write.
   */
  async lockAppointments(
    manager: EntityManager,
    hospitalId: string,
    appointmentIds: string[],
  ): Promise<Map<string, LockedAppointment>> {
    if (appointmentIds.length === 0) return new Map();
    const rows: { id: string; appointment_id: string; care_flow_id: string | null }[] = await manager.query(
      `SELECT id, appointment_id, care_flow_id FROM patient_import.appointments
       WHERE hospital_id = $1 AND appointment_id = ANY($2::text[]) ORDER BY appointment_id FOR UPDATE`,
      [hospitalId, appointmentIds],
    );
    return new Map(
      rows.map((row) => [
        row.appointment_id,
        {
          id: row.id,
          appointmentId: row.appointment_id,
          ...(row.care_flow_id ? { careFlowId: row.care_flow_id } : {}),
        },
      ]),
    );
  }

  /**
   * New appointments, each with the care flow this batch started for it (if any). Answers how many were
   * inserted: fewer than asked means a concurrent transaction inserted one of them first (the caller rolls
   * back and applies again, now finding it locked).
   */
  async insertAppointments(
    manager: EntityManager,
    hospitalId: string,
    appointments: { appointmentId: string; patientId: string; careFlowId?: string }[],
  ): Promise<number> {
    if (appointments.length === 0) return 0;
    const rows: unknown[] = await manager.query(
      `INSERT INTO patient_import.appointments AS a (id, hospital_id, appointment_id, patient_id, care_flow_id)
       SELECT gen_random_uuid(), $1, v.appointment_id, v.patient_id, v.care_flow_id
       FROM unnest($2::text[], $3::uuid[], $4::uuid[]) AS v (appointment_id, patient_id, care_flow_id)
       ORDER BY v.appointment_id
       ON CONFLICT ON CONSTRAINT appointments_hospital_appointment DO NOTHING
       RETURNING a.id`,
      [
        hospitalId,
        appointments.map((a) => a.appointmentId),
        appointments.map((a) => a.patientId),
        appointments.map((a) => a.careFlowId ?? null),
      ],
    );
    return rows.length;
  }

  /** An appointment that existed gets the care flow this batch started for it (a restart after a stop). */
  async linkCareFlows(
    manager: EntityManager,
    hospitalId: string,
    links: { appointmentId: string; careFlowId: string }[],
  ): Promise<void> {
    if (links.length === 0) return;
    await manager.query(
      `UPDATE patient_import.appointments a SET care_flow_id = v.care_flow_id, updated_at = now()
       FROM unnest($2::text[], $3::uuid[]) AS v (appointment_id, care_flow_id)
       WHERE a.hospital_id = $1 AND a.appointment_id = v.appointment_id`,
      [hospitalId, links.map((link) => link.appointmentId), links.map((link) => link.careFlowId)],
    );
  }

  /**
   * Adds the messages to their appointments' histories, each with its result: the row is the message's claim
   * (unique per hospital and message) and its first result in one write. Answers how many were added; fewer
   * than asked means a concurrent transaction applied one of them first (the caller rolls back).
   */
  async record(
    manager: EntityManager,
    hospitalId: string,
    messages: (AppointmentMessage & { appointmentId: string; result: AppointmentMessageAppliedV1 })[],
  ): Promise<number> {
    if (messages.length === 0) return 0;
    const column = <T>(pick: (message: (typeof messages)[number]) => T | undefined) =>
      messages.map((message) => pick(message) ?? null);
    const rows: unknown[] = await manager.query(
      `INSERT INTO patient_import.appointment_messages (hospital_id, message_id, appointment_id, sequence, event, action,
         definition_key, patient_id, physician_id, physician_code, baseline, result)
       SELECT $1, v.* FROM unnest($2::uuid[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::uuid[],
                                  $9::uuid[], $10::text[], $11::jsonb[], $12::jsonb[])
         AS v (message_id, appointment_id, sequence, event, action, definition_key, patient_id, physician_id,
               physician_code, baseline, result)
       ORDER BY v.message_id
       ON CONFLICT DO NOTHING RETURNING message_id`,
      [
        hospitalId,
        column((m) => m.messageId),
        column((m) => m.appointmentId),
        column((m) => m.sequence),
        column((m) => m.event),
        column((m) => m.action),
        column((m) => m.definitionKey),
        column((m) => m.patientId),
        column((m) => m.physicianId),
        column((m) => m.physicianCode),
        column((m) => JSON.stringify(m.baseline)),
        column((m) => JSON.stringify(m.result)),
      ],
    );
    return rows.length;
  }

  /** Every message applied to these appointments, this batch's included, in sequence order. */
  async history(
    manager: EntityManager,
    hospitalId: string,
    appointmentIds: string[],
  ): Promise<Map<string, AppointmentMessage[]>> {
    const rows: {
      message_id: string;
      appointment_id: string;
      sequence: string;
      event: string;
      action: SiuAction;
      definition_key: string | null;
      patient_id: string;
      physician_id: string | null;
      physician_code: string | null;
      baseline: Record<string, string>;
    }[] = await manager.query(
      `SELECT message_id, appointment_id, sequence, event, action, definition_key, patient_id, physician_id, physician_code, baseline
       FROM patient_import.appointment_messages WHERE hospital_id = $1 AND appointment_id = ANY($2::text[])
       ORDER BY appointment_id, sequence`,
      [hospitalId, appointmentIds],
    );
    const byAppointment = new Map<string, AppointmentMessage[]>();
    for (const row of rows) {
      const list = byAppointment.get(row.appointment_id) ?? [];
      list.push({
        messageId: row.message_id,
        sequence: Number(row.sequence),
        event: row.event,
        action: row.action,
        patientId: row.patient_id,
        baseline: row.baseline,
        ...(row.definition_key !== null ? { definitionKey: row.definition_key } : {}),
        ...(row.physician_id !== null ? { physicianId: row.physician_id } : {}),
        ...(row.physician_code !== null ? { physicianCode: row.physician_code } : {}),
      });
      byAppointment.set(row.appointment_id, list);
    }
    return byAppointment;
  }

  async lockCareFlows(
    manager: EntityManager,
    hospitalId: string,
    careFlowIds: string[],
  ): Promise<Map<string, StoredCareFlow>> {
    if (careFlowIds.length === 0) return new Map();
    const rows: {
      id: string;
      patient_id: string;
      definition_key: string;
      status: StoredCareFlow['status'];
      physician_id: string | null;
      physician_code: string | null;
      baseline: Record<string, string>;
    }[] = await manager.query(
      `SELECT id, patient_id, definition_key, status, physician_id, physician_code, baseline FROM patient_import.care_flows
       WHERE hospital_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR UPDATE`,
      [hospitalId, careFlowIds],
    );
    return new Map(
      rows.map((row) => [
        row.id,
        {
          id: row.id,
          patientId: row.patient_id,
          definitionKey: row.definition_key,
          status: row.status,
          baseline: row.baseline,
          ...(row.physician_id !== null ? { physicianId: row.physician_id } : {}),
          ...(row.physician_code !== null ? { physicianCode: row.physician_code } : {}),
        },
      ]),
    );
  }

  /** Starts care flows (source `siu`), each naming its appointment; a `started` event each. */
  async insertCareFlows(
    manager: EntityManager,
    hospitalId: string,
    flows: NewSiuCareFlow[],
    positions: BatchPositions,
  ): Promise<void> {
    if (flows.length === 0) return;
    const column = <T>(pick: (flow: NewSiuCareFlow) => T | undefined) =>
      flows.map((flow) => pick(flow) ?? null);
    const parameters: unknown[] = [
      hospitalId,
      column((f) => f.id),
      column((f) => f.patientId),
      column((f) => f.definitionKey),
      column((f) => f.physicianId),
      column((f) => f.physicianCode),
      column((f) => JSON.stringify(f.baseline)),
      column((f) => f.appointmentId),
      column((f) => f.messageId),
    ];
    const returning = careFlowReturning('care_flows', positions, parameters);
    const statement = this.outbox.withEvent(
      {
        sql: `INSERT INTO patient_import.care_flows (id, hospital_id, patient_id, definition_key, status, physician_id,
             physician_code, baseline, source_kind, appointment_id, message_id)
           SELECT v.id, $1, v.patient_id, v.definition_key, 'active', v.physician_id, v.physician_code, v.baseline, 'siu',
             v.appointment_id, v.message_id
           FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::uuid[], $6::text[], $7::jsonb[], $8::text[], $9::text[])
             AS v (id, patient_id, definition_key, physician_id, physician_code, baseline, appointment_id, message_id)
           ${returning}`,
        parameters,
      },
      'careflows.careflow.changed.v1',
      changedEventSql('started'),
    );
    positions.note(await manager.query(statement.sql, statement.parameters));
  }

  /** An SIU update re-reads baseline and physician (rule 25); an `updated` event each. */
  async updateCareFlows(
    manager: EntityManager,
    hospitalId: string,
    changes: { id: string; physicianId?: string; physicianCode?: string; baseline: Record<string, string> }[],
    positions: BatchPositions,
  ): Promise<void> {
    if (changes.length === 0) return;
    const parameters: unknown[] = [
      hospitalId,
      changes.map((c) => c.id),
      changes.map((c) => c.physicianId ?? null),
      changes.map((c) => c.physicianCode ?? null),
      changes.map((c) => JSON.stringify(c.baseline)),
    ];
    const returning = careFlowReturning('c', positions, parameters);
    const statement = this.outbox.withEvent(
      {
        sql: `UPDATE patient_import.care_flows c SET baseline = v.baseline, physician_id = v.physician_id,
             physician_code = v.physician_code, updated_at = now()
           FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::jsonb[]) AS v (id, physician_id, physician_code, baseline)
           WHERE c.hospital_id = $1 AND c.id = v.id
           ${returning}`,
        parameters,
      },
      'careflows.careflow.changed.v1',
      changedEventSql('updated'),
    );
    positions.note(await manager.query(statement.sql, statement.parameters));
  }

  async stopCareFlows(
    manager: EntityManager,
    hospitalId: string,
    stops: { id: string; reason: string }[],
    positions: BatchPositions,
  ): Promise<void> {
    if (stops.length === 0) return;
    const parameters: unknown[] = [hospitalId, stops.map((s) => s.id), stops.map((s) => s.reason)];
    const returning = careFlowReturning('c', positions, parameters);
    const statement = this.outbox.withEvent(
      {
        sql: `UPDATE patient_import.care_flows c SET status = 'stopped', stopped_at = now(), stop_reason = v.reason, updated_at = now()
           FROM unnest($2::uuid[], $3::text[]) AS v (id, reason)
           WHERE c.hospital_id = $1 AND c.id = v.id
           ${returning}`,
        parameters,
      },
      'careflows.careflow.changed.v1',
      changedEventSql('stopped'),
    );
    positions.note(await manager.query(statement.sql, statement.parameters));
  }
}
