import { Injectable } from '@nestjs/common';
import type { CareFlowSourceKind, CareFlowViewV1 } from '@bridge/contracts';
import type { EntityManager } from 'typeorm';
import {
  positionOf,
  withTrace,
  type PatientEventPosition,
  type PositionColumns,
  type TraceColumns,
} from '../patient-trace/patient-events';

interface CareFlowRow {
  id: string;
  hospital_id: string;
  patient_id: string;
  definition_key: string;
  status: CareFlowViewV1['status'];
  physician_id: string | null;
  physician_code: string | null;
  baseline: Record<string, string>;
  source_kind: CareFlowSourceKind;
  appointment_id: string | null;
  message_id: string | null;
  started_at: Date;
  stopped_at: Date | null;
  stop_reason: string | null;
}

export interface NewCareFlow {
  id: string;
  hospitalId: string;
  patientId: string;
  definitionKey: string;
  physicianId?: string;
  physicianCode?: string;
  baseline: Record<string, string>;
  source: { kind: CareFlowSourceKind; appointmentId?: string; messageId?: string };
}

/** A care flow as one statement left it, and the place of its event in the patient's order. */
export interface CareFlowChange {
  careFlow: CareFlowViewV1;
  position?: PatientEventPosition;
}

const COLUMNS = `id, hospital_id, patient_id, definition_key, status, physician_id, physician_code, baseline, source_kind,
  appointment_id, message_id, started_at, stopped_at, stop_reason`;

/**
 * The patient's trace row of a care-flow change. Every change written here comes through the API (a push,
 * the care-flow routes, an import confirm); SIU changes are written, and traced per message, by appointments.
 */
function careFlowTrace(change: 'started' | 'updated' | 'stopped', summary: string): TraceColumns {
  return {
    hospitalId: 'hospital_id',
    patientId: 'patient_id',
    kind: `'careflow.${change}'`,
    channel: `'api'`,
    careFlowId: 'id',
    summary: `'Care flow ' || definition_key || ' ${summary}'`,
  };
}

/** Named queries on care flows; every one takes the hospital id (tenancy is structural). */
@Injectable()
export class CareFlowsRepository {
  async insert(manager: EntityManager, flow: NewCareFlow): Promise<CareFlowChange> {
    const statement = withTrace(
      {
        sql: `INSERT INTO patient_import.care_flows
         (id, hospital_id, patient_id, definition_key, status, physician_id, physician_code, baseline,
          source_kind, appointment_id, message_id)
       VALUES ($1, $2, $3, $4, 'active', $5, $6, $7, $8, $9, $10)
       RETURNING ${COLUMNS}`,
        parameters: [
          flow.id,
          flow.hospitalId,
          flow.patientId,
          flow.definitionKey,
          flow.physicianId ?? null,
          flow.physicianCode ?? null,
          JSON.stringify(flow.baseline),
          flow.source.kind,
          flow.source.appointmentId ?? null,
          flow.source.messageId ?? null,
        ],
      },
      careFlowTrace('started', 'started'),
    );
    return changeOf(await manager.query(statement.sql, statement.parameters));
  }

  async findForUpdate(
    manager: EntityManager,
    hospitalId: string,
    careFlowId: string,
  ): Promise<(CareFlowViewV1 & { definitionKey: string }) | undefined> {
    const rows: CareFlowRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM patient_import.care_flows WHERE hospital_id = $1 AND id = $2 FOR UPDATE`,
      [hospitalId, careFlowId],
    );
    return rows[0] && toCareFlowView(rows[0]);
  }

  async updateBaseline(
    manager: EntityManager,
    hospitalId: string,
    careFlowId: string,
    baseline: Record<string, string>,
  ): Promise<CareFlowChange> {
    const statement = withTrace(
      {
        sql: `UPDATE patient_import.care_flows SET baseline = $3, updated_at = now()
       WHERE hospital_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
        parameters: [hospitalId, careFlowId, JSON.stringify(baseline)],
      },
      careFlowTrace('updated', 'baseline updated'),
    );
    return changeOf(await manager.query(statement.sql, statement.parameters));
  }

  async stop(
    manager: EntityManager,
    hospitalId: string,
    careFlowId: string,
    reason: string,
  ): Promise<CareFlowChange> {
    const statement = withTrace(
      {
        sql: `UPDATE patient_import.care_flows SET status = 'stopped', stopped_at = now(), stop_reason = $3, updated_at = now()
       WHERE hospital_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
        parameters: [hospitalId, careFlowId, reason],
      },
      careFlowTrace('stopped', 'stopped'),
    );
    return changeOf(await manager.query(statement.sql, statement.parameters));
  }

  /**
   * The care flows of each patient (by hospital and id), in the order given, each patient's in start order:
   * one statement for patients of any hospitals.
   */
  async listForEachPatient(
    manager: EntityManager,
    patients: readonly { hospitalId: string; patientId: string }[],
  ): Promise<CareFlowViewV1[][]> {
    if (patients.length === 0) return [];
    const rows: CareFlowRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM patient_import.care_flows
       WHERE (hospital_id, patient_id) IN (SELECT * FROM unnest($1::uuid[], $2::uuid[]))
       ORDER BY started_at, id`,
      [patients.map((patient) => patient.hospitalId), patients.map((patient) => patient.patientId)],
    );
    const byPatient = new Map<string, CareFlowViewV1[]>();
    for (const row of rows) {
      const key = `${row.hospital_id}/${row.patient_id}`;
      const careFlows = byPatient.get(key);
      if (careFlows) careFlows.push(toCareFlowView(row));
      else byPatient.set(key, [toCareFlowView(row)]);
    }
    return patients.map((patient) => byPatient.get(`${patient.hospitalId}/${patient.patientId}`) ?? []);
  }
}

function changeOf(rows: (CareFlowRow & PositionColumns)[]): CareFlowChange {
  const position = positionOf(rows[0]);
  return { careFlow: toCareFlowView(rows[0]), ...(position ? { position } : {}) };
}

function toCareFlowView(row: CareFlowRow): CareFlowViewV1 {
  return {
    id: row.id,
    patientId: row.patient_id,
    definitionKey: row.definition_key,
    status: row.status,
    ...(row.physician_id ? { physicianId: row.physician_id } : {}),
    ...(row.physician_code ? { physicianCode: row.physician_code } : {}),
    baseline: row.baseline,
    source: {
      kind: row.source_kind,
      ...(row.appointment_id ? { appointmentId: row.appointment_id } : {}),
      ...(row.message_id ? { messageId: row.message_id } : {}),
    },
    startedAt: row.started_at.toISOString(),
    ...(row.stopped_at ? { stoppedAt: row.stopped_at.toISOString() } : {}),
    ...(row.stop_reason ? { stopReason: row.stop_reason } : {}),
  };
}
