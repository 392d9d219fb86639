import { Injectable } from '@nestjs/common';
import type { AppointmentMessageAppliedV1 } from '@bridge/contracts';
import type { SiuAction } from '@bridge/hl7';
import type { EntityManager } from 'typeorm';
import type { AppointmentMessage } from './appointment-replay';

export interface LockedAppointment {
  id: string;
  appointmentId: string;
  careFlowId?: string;
}

/**
 * The appointments SIU messages act on and each appointment's message history (which is also each message's
 * claim with its result, rule 27), a batch per statement: a batch of a hundred messages costs a few round
 * trips. Every query takes the hospital id; rows are locked in appointment id order so concurrent batches
 * cannot deadlock. Patients: SiuPatientsRepository; care flows: SiuCareFlowsRepository.
 */
@Injectable()
export class AppointmentsRepository {
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
    // One index probe per id, locked in id order (the sorted ids drive the loop): with `= ANY(...)` and the
    // statistics of a table still filling (a hospital's first files), PostgreSQL read every appointment of
    // the table for each batch instead (issue 17; siu-messages.repository's MESSAGE_OUTCOME has the story).
    const rows: { id: string; appointment_id: string; care_flow_id: string | null }[] = await manager.query(
      `SELECT a.id, a.appointment_id, a.care_flow_id
       FROM (SELECT DISTINCT unnest($2::text[]) AS appointment_id ORDER BY 1) AS k
       CROSS JOIN LATERAL (
         SELECT id, appointment_id, care_flow_id FROM patient_import.appointments a
         WHERE a.hospital_id = $1 AND a.appointment_id = k.appointment_id LIMIT 1 FOR UPDATE
       ) a`,
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
}
