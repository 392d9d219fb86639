import { Injectable } from '@nestjs/common';
import type { AppointmentMessageAppliedV1 } from '@bridge/contracts';
import type { EntityManager } from 'typeorm';

/**
 * Rule 27 at patient-import's end: each applied SIU message's claim and first result, written once. A
 * message that acts on an appointment keeps them in its `appointment_messages` history row
 * (AppointmentsRepository.record); any other, and every message applied before results moved there, in
 * `applied_siu_messages`.
 */
@Injectable()
export class AppliedMessagesRepository {
  /**
   * The first result of each of these messages that was applied before (rule 27 at this end): kept with the
   * message's appointment history, or (no appointment acted on, or applied before results moved there) in
   * applied_siu_messages.
   */
  async results(
    manager: EntityManager,
    hospitalId: string,
    messageIds: string[],
  ): Promise<Map<string, AppointmentMessageAppliedV1>> {
    if (messageIds.length === 0) return new Map();
    const rows: { message_id: string; result: AppointmentMessageAppliedV1 | null }[] = await manager.query(
      `SELECT message_id, result FROM patient_import.applied_siu_messages WHERE hospital_id = $1 AND message_id = ANY($2::uuid[])
       UNION ALL
       SELECT message_id, result FROM patient_import.appointment_messages
       WHERE hospital_id = $1 AND message_id = ANY($2::uuid[]) AND result IS NOT NULL`,
      [hospitalId, messageIds],
    );
    return new Map(
      rows.filter((row) => row.result !== null).map((row) => [row.message_id, row.result!] as const),
    );
  }

  /**
   * Claims the messages applied in this transaction that acted on no appointment, with their results, one row
   * each in one statement (the claim is the result: no claim row to update later). A message another transaction applied meanwhile
   * keeps its row: it is answered as not claimed, and the caller rolls back and answers that first result.
   */
  async claimWithResults(
    manager: EntityManager,
    hospitalId: string,
    results: AppointmentMessageAppliedV1[],
  ): Promise<Set<string>> {
    if (results.length === 0) return new Set();
    const rows: { message_id: string }[] = await manager.query(
      `INSERT INTO patient_import.applied_siu_messages (hospital_id, message_id, result)
       SELECT $1, saved.message_id, saved.result
       FROM unnest($2::uuid[], $3::jsonb[]) AS saved (message_id, result) ORDER BY saved.message_id
       ON CONFLICT DO NOTHING RETURNING message_id`,
      [
        hospitalId,
        results.map((result) => result.messageId),
        results.map((result) => JSON.stringify(result)),
      ],
    );
    return new Set(rows.map((row) => row.message_id));
  }
}
