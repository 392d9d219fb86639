import { Injectable } from '@nestjs/common';
import type { AppointmentMessageAppliedV1 } from '@bridge/contracts';
import type { EntityManager } from 'typeorm';
import type { NewPatientEvent } from '../patient-trace/patient-events.repository';
import type { AppointmentMessage } from './appointment-replay';

/**
 * An applied SIU message's one row: its patient-trace entry, which is also its claim with its first result
 * and its rule-27 key (rule 27 at patient-import's end) and, when it acts on an appointment, that
 * appointment's history entry.
 */
export interface AppliedSiuMessage extends NewPatientEvent {
  messageId: string;
  result: AppointmentMessageAppliedV1;
  duplicateKey?: string;
  appointment?: AppointmentMessage & { appointmentId: string };
}

/** What applied messages already hold: results by message id, and the message holding each key. */
export interface Claims {
  results: Map<string, AppointmentMessageAppliedV1>;
  holders: Map<string, string>;
}

/**
 * Rule 27 at patient-import's end: each applied SIU message is written once, as one row of the patient trace
 * (`patient_events` with a `result`, unique per hospital and message, and per hospital and duplicate key)
 * that also holds its appointment history entry (AppointmentsRepository.history reads them back).
 */
@Injectable()
export class AppliedMessagesRepository {
  /** The first result of each of these messages that was applied before, and the applied holder of each key. */
  async claims(
    manager: EntityManager,
    hospitalId: string,
    messageIds: string[],
    duplicateKeys: string[],
  ): Promise<Claims> {
    // One index probe per message id and per key, whatever the statistics say: the trace fills during a file's
    // run faster than autoanalyze follows, and `= ANY(...)` with an OR got a plan that read the hospital's
    // trace for each batch (20 ms a batch at 10,000 messages, the costliest statement of a run; issue 17).
    const rows: {
      message_id: string;
      result: AppointmentMessageAppliedV1;
      duplicate_key: string | null;
    }[] = await manager.query(
      `SELECT e.message_id, e.result, e.duplicate_key FROM unnest($2::uuid[]) AS k (message_id)
       CROSS JOIN LATERAL (
         SELECT message_id, result, duplicate_key FROM patient_import.patient_events e
         WHERE e.hospital_id = $1 AND e.message_id = k.message_id AND e.result IS NOT NULL LIMIT 1
       ) e
       UNION ALL
       SELECT e.message_id, e.result, e.duplicate_key FROM unnest($3::text[]) AS k (duplicate_key)
       CROSS JOIN LATERAL (
         SELECT message_id, result, duplicate_key FROM patient_import.patient_events e
         WHERE e.hospital_id = $1 AND e.duplicate_key = k.duplicate_key AND e.result IS NOT NULL LIMIT 1
       ) e`,
      [hospitalId, messageIds, duplicateKeys],
    );
    const asked = new Set(messageIds);
    const claims: Claims = { results: new Map(), holders: new Map() };
    for (const row of rows) {
      if (asked.has(row.message_id)) claims.results.set(row.message_id, row.result);
      if (row.duplicate_key !== null) claims.holders.set(row.duplicate_key, row.message_id);
    }
    return claims;
  }

  /**
   * Writes the messages' rows in one statement, in the order given (the trace's order follows it). A message
   * another transaction applied meanwhile keeps its row: answers how many were written, and fewer than given
   * means the caller rolls back and answers that first result. (A key another message took meanwhile is a unique
   * violation, for the caller to run the batch again: the key locks keep it from happening.)
   */
  async record(manager: EntityManager, hospitalId: string, messages: AppliedSiuMessage[]): Promise<number> {
    if (messages.length === 0) return 0;
    const column = <T>(pick: (message: AppliedSiuMessage) => T | undefined) =>
      messages.map((message) => pick(message) ?? null);
    const rows: unknown[] = await manager.query(
      `INSERT INTO patient_import.patient_events (hospital_id, patient_id, kind, channel, message_id, care_flow_id,
         summary, event_position, more_entries, result, appointment_id, sequence, event, action, definition_key,
         physician_id, physician_code, baseline, duplicate_key)
       SELECT $1, e.patient_id, e.kind, e.channel, e.message_id, e.care_flow_id, e.summary, e.event_position,
         e.more_entries, e.result, e.appointment_id, e.sequence, e.event, e.action, e.definition_key,
         e.physician_id, e.physician_code, e.baseline, e.duplicate_key
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::uuid[], $6::uuid[], $7::text[], $8::bigint[], $9::jsonb[],
                   $10::jsonb[], $11::text[], $12::bigint[], $13::text[], $14::text[], $15::text[], $16::uuid[],
                   $17::text[], $18::jsonb[], $19::text[])
         WITH ORDINALITY AS e (patient_id, kind, channel, message_id, care_flow_id, summary, event_position,
                               more_entries, result, appointment_id, sequence, event, action, definition_key,
                               physician_id, physician_code, baseline, duplicate_key, position)
       ORDER BY e.position
       ON CONFLICT (hospital_id, message_id) WHERE result IS NOT NULL DO NOTHING
       RETURNING message_id`,
      [
        hospitalId,
        column((m) => m.patientId),
        column((m) => m.kind),
        column((m) => m.channel),
        column((m) => m.messageId),
        column((m) => m.careFlowId),
        column((m) => m.summary),
        column((m) => m.eventPosition),
        column((m) => (m.moreEntries?.length ? JSON.stringify(m.moreEntries) : undefined)),
        column((m) => JSON.stringify(m.result)),
        column((m) => m.appointment?.appointmentId),
        column((m) => m.appointment?.sequence),
        column((m) => m.appointment?.event),
        column((m) => m.appointment?.action),
        column((m) => m.appointment?.definitionKey),
        column((m) => m.appointment?.physicianId),
        column((m) => m.appointment?.physicianCode),
        column((m) => (m.appointment ? JSON.stringify(m.appointment.baseline) : undefined)),
        column((m) => m.duplicateKey),
      ],
    );
    return rows.length;
  }
}
