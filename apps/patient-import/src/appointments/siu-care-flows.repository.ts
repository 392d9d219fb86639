import { Injectable } from '@nestjs/common';
import { Outbox } from '@bridge/messaging';
import type { EntityManager } from 'typeorm';
import { batchPositionSql, positionPayloadSql, type BatchPositions } from '../patient-trace/patient-events';

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
 * The care flows SIU messages start, update and stop (rule 25), a batch per statement, each change with its
 * `careflows.careflow.changed.v1` event and patient position in the same statement (the statement's events
 * in one outbox row: Outbox.withEvent's `grouped`). Every query takes the hospital id.
 */
@Injectable()
export class SiuCareFlowsRepository {
  constructor(private readonly outbox: Outbox) {}

  /**
   * The care flow of each of these appointments that has one (an appointment starts one at most: the
   * `care_flows_appointment` unique index), as it is, locked until the transaction ends in appointment id
   * order (one order for every batch, so concurrent batches cannot deadlock). Keyed by appointment id.
   */
  async lockCareFlowsOfAppointments(
    manager: EntityManager,
    hospitalId: string,
    appointmentIds: string[],
  ): Promise<Map<string, StoredCareFlow>> {
    if (appointmentIds.length === 0) return new Map();
    // One probe of the unique index per appointment, the sorted ids driving the loop: with `= ANY(...)` and the
    // statistics of a table still filling, PostgreSQL may read the hospital's every care flow instead (issue 17).
    const rows: {
      id: string;
      appointment_id: string;
      patient_id: string;
      definition_key: string;
      status: StoredCareFlow['status'];
      physician_id: string | null;
      physician_code: string | null;
      baseline: Record<string, string>;
    }[] = await manager.query(
      `SELECT c.id, c.appointment_id, c.patient_id, c.definition_key, c.status, c.physician_id, c.physician_code, c.baseline
       FROM (SELECT DISTINCT unnest($2::text[]) AS appointment_id ORDER BY 1) AS k
       CROSS JOIN LATERAL (
         SELECT * FROM patient_import.care_flows c
         WHERE c.hospital_id = $1 AND c.appointment_id = k.appointment_id LIMIT 1 FOR UPDATE
       ) c`,
      [hospitalId, appointmentIds],
    );
    return new Map(
      rows.map((row) => [
        row.appointment_id,
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
      { grouped: true },
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
      { grouped: true },
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
      { grouped: true },
    );
    positions.note(await manager.query(statement.sql, statement.parameters));
  }
}
