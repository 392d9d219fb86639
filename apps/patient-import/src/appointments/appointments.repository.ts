import { Injectable } from '@nestjs/common';
import type { SiuAction } from '@bridge/hl7';
import type { EntityManager } from 'typeorm';
import type { AppointmentMessage } from './appointment-replay';

/**
 * The appointments SIU messages act on: each appointment is its message history (the rows of its applied
 * messages, AppliedMessagesRepository) and the care flow it started (care_flows.appointment_id), so an
 * appointment costs no row of its own. A batch per statement: a batch of a hundred messages costs a few
 * round trips. Every query takes the hospital id. Patients: SiuPatientsRepository; care flows:
 * SiuCareFlowsRepository.
 */
@Injectable()
export class AppointmentsRepository {
  /**
   * Serialises the batches that act on the same appointments or carry the same rule-27 keys until the
   * transaction ends: a transaction-scoped advisory lock per appointment and per key (no row written, none
   * needed to exist), all taken in one statement in one order, so concurrent batches cannot deadlock. A batch
   * that waited then reads what the one before it committed (read committed: each later statement of the
   * transaction sees it).
   */
  async lockBatch(
    manager: EntityManager,
    hospitalId: string,
    held: { appointmentIds: string[]; duplicateKeys: string[] },
  ): Promise<void> {
    const names = [
      ...held.appointmentIds.map((id) => `appointment/${hospitalId}/${id}`),
      ...held.duplicateKeys.map((key) => `siu-key/${hospitalId}/${key}`),
    ];
    if (names.length === 0) return;
    // A 64-bit hash of the name: two names sharing one is harmless (one batch waits for the other).
    await manager.query(
      `SELECT count(pg_advisory_xact_lock(k.lock_key)) FROM (
         SELECT DISTINCT hashtextextended('patient_import.' || n.name, 0) AS lock_key
         FROM unnest($1::text[]) AS n (name) ORDER BY 1
       ) AS k`,
      [names],
    );
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
       FROM patient_import.patient_events
       WHERE hospital_id = $1 AND appointment_id = ANY($2::text[]) AND appointment_id IS NOT NULL
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
