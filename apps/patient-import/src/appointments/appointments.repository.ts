import { Injectable } from '@nestjs/common';
import type { AppointmentMessageAppliedV1 } from '@bridge/contracts';
import type { SiuAction } from '@bridge/hl7';
import type { EntityManager } from 'typeorm';
import type { AppointmentMessage } from './appointment-replay';

/**
 * The appointments SIU messages act on: each appointment is its message history (which is also each message's
 * claim with its result, rule 27) and the care flow it started (care_flows.appointment_id), so an appointment
 * costs no row of its own. A batch per statement: a batch of a hundred messages costs a few round trips. Every
 * query takes the hospital id. Patients: SiuPatientsRepository; care flows: SiuCareFlowsRepository.
 */
@Injectable()
export class AppointmentsRepository {
  /**
   * Serialises the batches that act on the same appointments until the transaction ends: a transaction-scoped
   * advisory lock per appointment (no row written, none needed to exist), taken in one order for every batch so
   * concurrent batches cannot deadlock. A batch that waited then reads what the one before it committed (read
   * committed: each later statement of the transaction sees it).
   */
  async lockAppointments(
    manager: EntityManager,
    hospitalId: string,
    appointmentIds: string[],
  ): Promise<void> {
    if (appointmentIds.length === 0) return;
    // A 64-bit hash of the name: two appointments sharing one is harmless (one batch waits for the other).
    await manager.query(
      `SELECT count(pg_advisory_xact_lock(k.lock_key)) FROM (
         SELECT DISTINCT hashtextextended('patient_import.appointment/' || $1 || '/' || a.appointment_id, 0) AS lock_key
         FROM unnest($2::text[]) AS a (appointment_id) ORDER BY 1
       ) AS k`,
      [hospitalId, appointmentIds],
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
