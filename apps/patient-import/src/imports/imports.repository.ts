import { Injectable } from '@nestjs/common';
import type { AuditActorV1, CandidateV1, DemographicsV1, LookupKey } from '@bridge/contracts';
import { Outbox } from '@bridge/messaging';
import { DataSource, type EntityManager } from 'typeorm';
import type { ImportSource } from '../import-sources/import-sources.repository';

export interface NewImportSession {
  id: string;
  hospitalId: string;
  requestedBy: string;
  /** The client or user the candidates go to: the same statement announces the lookup to the audit trail. */
  auditActor?: AuditActorV1;
  source: ImportSource;
  lookupBy: LookupKey;
  /** As the hospital answered them; `insert` marks those already patients here. */
  candidates: DemographicsV1[];
  messageId?: string;
  ttlSeconds: number;
}

export interface ImportSession {
  id: string;
  hospitalId: string;
  source: ImportSource;
  candidates: CandidateV1[];
  messageId?: string;
  expiresAt: string;
  /** Decided by the database clock, the one clock every instance shares. */
  expired: boolean;
  confirmed: boolean;
}

interface SessionRow {
  id: string;
  hospital_id: string;
  source: ImportSource;
  candidates: CandidateV1[];
  message_id: string | null;
  expires_at: Date;
  expired: boolean;
  confirmed_at: Date | null;
}

/** Named queries on import sessions; every one takes the hospital id (tenancy is structural). */
@Injectable()
export class ImportsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Stores the session, each candidate already a patient of this hospital marked with its `existingPatientId`
   * (found in the same statement: one round trip per lookup, not two). Answers the session's expiry and the
   * candidates as stored. With an `auditActor`, the statement also writes the `imports.lookup.answered.v1`
   * outbox row: the lookup is on its way to the audit trail before the candidates leave, at no extra round trip.
   * Only while `source` is still the hospital's stored import source (ImportSourcesService remembers it):
   * undefined, nothing written, once it is another or none.
   */
  async insert(
    session: NewImportSession,
  ): Promise<{ expiresAt: string; candidates: CandidateV1[] } | undefined> {
    const stored = {
      sql: `WITH marked AS (
         SELECT coalesce(jsonb_agg(CASE WHEN p.id IS NULL THEN c.candidate
                                        ELSE c.candidate || jsonb_build_object('existingPatientId', p.id) END
                                   ORDER BY c.position), '[]'::jsonb) AS candidates,
                array_agg(p.id::text ORDER BY c.position) AS existing_ids
         FROM jsonb_array_elements($6::jsonb) WITH ORDINALITY AS c(candidate, position)
         LEFT JOIN patient_import.patients p
           ON p.hospital_id = $2 AND p.patient_code = c.candidate->>'patientCode'
       )
       INSERT INTO patient_import.import_sessions
         (id, hospital_id, requested_by, source, lookup_by, candidates, message_id, expires_at)
       SELECT $1, $2, $3, $4, $5, marked.candidates, $7, now() + make_interval(secs => $8) FROM marked
       WHERE EXISTS (SELECT 1 FROM patient_import.import_sources s WHERE s.hospital_id = $2 AND s.source = $4)
       RETURNING expires_at, (SELECT existing_ids FROM marked)`,
      parameters: [
        session.id,
        session.hospitalId,
        session.requestedBy,
        session.source,
        session.lookupBy,
        JSON.stringify(session.candidates),
        session.messageId ?? null,
        session.ttlSeconds,
      ],
    };
    const actor = session.auditActor;
    // The actor's two parameters follow the session's: numbered from their count, not by hand.
    const actorKind = stored.parameters.length + 1;
    const statement = actor
      ? this.outbox.withEvent(
          { sql: stored.sql, parameters: [...stored.parameters, actor.kind, actor.id] },
          'imports.lookup.answered.v1',
          `json_build_object('hospitalId', $2::uuid, 'importId', $1::uuid,
             'actor', json_build_object('kind', $${actorKind}::text, 'id', $${actorKind + 1}::text), 'at', now())`,
        )
      : stored;
    const rows: { expires_at: Date; existing_ids: (string | null)[] }[] = await this.dataSource.query(
      statement.sql,
      statement.parameters,
    );
    if (rows.length === 0) return undefined;
    const existingIds = rows[0].existing_ids ?? [];
    return {
      expiresAt: rows[0].expires_at.toISOString(),
      // Built here rather than read back: the jsonb column reorders each candidate's keys.
      candidates: session.candidates.map((candidate, index) => {
        const existingPatientId = existingIds[index];
        return existingPatientId ? { ...candidate, existingPatientId } : candidate;
      }),
    };
  }

  /** With `forUpdate`, the row stays locked until the transaction ends: confirms of one session queue up here. */
  async find(
    manager: EntityManager,
    hospitalId: string,
    importId: string,
    options: { forUpdate?: boolean } = {},
  ): Promise<ImportSession | undefined> {
    const rows: SessionRow[] = await manager.query(
      `SELECT id, hospital_id, source, candidates, message_id, expires_at, expires_at <= now() AS expired, confirmed_at
       FROM patient_import.import_sessions WHERE hospital_id = $1 AND id = $2${options.forUpdate ? ' FOR UPDATE' : ''}`,
      [hospitalId, importId],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      id: row.id,
      hospitalId: row.hospital_id,
      source: row.source,
      candidates: row.candidates,
      ...(row.message_id ? { messageId: row.message_id } : {}),
      expiresAt: row.expires_at.toISOString(),
      expired: row.expired,
      confirmed: row.confirmed_at !== null,
    };
  }

  async markConfirmed(
    manager: EntityManager,
    hospitalId: string,
    importId: string,
    outcome: { patientId: string; physicianId: string },
  ): Promise<void> {
    await manager.query(
      `UPDATE patient_import.import_sessions SET confirmed_at = now(), patient_id = $3, physician_id = $4
       WHERE hospital_id = $1 AND id = $2`,
      [hospitalId, importId, outcome.patientId, outcome.physicianId],
    );
  }

  /**
   * Unconfirmed sessions hold demographics nobody chose to keep: once well past their expiry (long enough to
   * answer 410 to a late confirm) they go. Confirmed ones stay as the record of who imported whom.
   */
  async deleteExpired(hospitalId: string, graceSeconds: number): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM patient_import.import_sessions
       WHERE hospital_id = $1 AND confirmed_at IS NULL AND expires_at < now() - make_interval(secs => $2)`,
      [hospitalId, graceSeconds],
    );
  }
}
