import { Injectable } from '@nestjs/common';
import type { AuditActorV1, CandidateV1, DemographicsV1, LookupKey } from '@bridge/contracts';
import { Outbox, type EventContext } from '@bridge/messaging';
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
  /** The lookup's request: its correlation id and trace go with its audit event (`eventContext()`). */
  context: EventContext;
}

export interface ImportSession {
  id: string;
  hospitalId: string;
  source: ImportSource;
  candidates: CandidateV1[];
  messageId?: string;
  /** When the session was stored (its exchange's journal row was written shortly before). */
  storedAt: Date;
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
  created_at: Date;
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
   * Stores sessions, one statement for them all (concurrent lookups share it, ImportsService): each
   * candidate already a patient of its hospital marked with its `existingPatientId` (found in the same
   * statement). Answers, in the sessions' order, each one's expiry and candidates as stored. A session with an
   * `auditActor` also gets its `imports.lookup.answered.v1` outbox row from the same statement, with its own
   * request's correlation id and trace (`context`): the lookup is on its way to the audit trail before the
   * candidates leave. Each session only while its `source` is still the hospital's stored import source
   * (ImportSourcesService remembers it): undefined, nothing written for it, once it is another or none.
   */
  async insertMany(
    sessions: NewImportSession[],
  ): Promise<({ expiresAt: string; candidates: CandidateV1[] } | undefined)[]> {
    const incoming = sessions.map((session) => ({
      id: session.id,
      hospital_id: session.hospitalId,
      requested_by: session.requestedBy,
      source: session.source,
      lookup_by: session.lookupBy,
      candidates: session.candidates,
      message_id: session.messageId ?? null,
      ttl_seconds: session.ttlSeconds,
      actor_kind: session.auditActor?.kind ?? null,
      actor_id: session.auditActor?.id ?? null,
      correlation_id: session.context.correlationId,
      traceparent: session.context.traceparent,
    }));
    const statement = this.outbox.withEvent(
      {
        sql: `INSERT INTO patient_import.import_sessions
           (id, hospital_id, requested_by, source, lookup_by, candidates, message_id, expires_at)
         SELECT i.id, i.hospital_id, i.requested_by, i.source, i.lookup_by, m.candidates, i.message_id,
                now() + make_interval(secs => i.ttl_seconds)
         FROM incoming i JOIN marked m ON m.id = i.id
         WHERE EXISTS (SELECT 1 FROM patient_import.import_sources s
                       WHERE s.hospital_id = i.hospital_id AND s.source = i.source)
         RETURNING id, expires_at, (SELECT m.existing_ids FROM marked m WHERE m.id = import_sessions.id)`,
        parameters: [JSON.stringify(incoming)],
      },
      'imports.lookup.answered.v1',
      `json_build_object('hospitalId', i.hospital_id, 'importId', i.id,
         'actor', json_build_object('kind', i.actor_kind, 'id', i.actor_id), 'at', now())`,
      {
        before: `incoming AS (
           SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(id uuid, hospital_id uuid, requested_by text,
             source text, lookup_by text, candidates jsonb, message_id uuid, ttl_seconds int, actor_kind text,
             actor_id text, correlation_id text, traceparent text)
         ),
         marked AS (
           SELECT i.id, found.candidates, found.existing_ids FROM incoming i CROSS JOIN LATERAL (
             SELECT coalesce(jsonb_agg(CASE WHEN p.id IS NULL THEN c.candidate
                                            ELSE c.candidate || jsonb_build_object('existingPatientId', p.id) END
                                       ORDER BY c.position), '[]'::jsonb) AS candidates,
                    array_agg(p.id::text ORDER BY c.position) AS existing_ids
             FROM jsonb_array_elements(i.candidates) WITH ORDINALITY AS c(candidate, position)
             LEFT JOIN patient_import.patients p
               ON p.hospital_id = i.hospital_id AND p.patient_code = c.candidate->>'patientCode'
           ) found
         )`,
        // Only the sessions with an actor are announced; each event with its own request's context.
        from: 'changed JOIN incoming i ON i.id = changed.id WHERE i.actor_kind IS NOT NULL',
        context: { correlationId: 'i.correlation_id', traceparent: 'i.traceparent' },
      },
    );
    const rows: { id: string; expires_at: Date; existing_ids: (string | null)[] }[] =
      await this.dataSource.query(statement.sql, statement.parameters);
    const stored = new Map(rows.map((row) => [row.id, row]));
    return sessions.map((session) => {
      const row = stored.get(session.id);
      if (!row) return undefined;
      const existingIds = row.existing_ids ?? [];
      return {
        expiresAt: row.expires_at.toISOString(),
        // Built here rather than read back: the jsonb column reorders each candidate's keys.
        candidates: session.candidates.map((candidate, index) => {
          const existingPatientId = existingIds[index];
          return existingPatientId ? { ...candidate, existingPatientId } : candidate;
        }),
      };
    });
  }

  /** With `forUpdate`, the row stays locked until the transaction ends: confirms of one session queue up here. */
  async find(
    manager: EntityManager,
    hospitalId: string,
    importId: string,
    options: { forUpdate?: boolean } = {},
  ): Promise<ImportSession | undefined> {
    const rows: SessionRow[] = await manager.query(
      `SELECT id, hospital_id, source, candidates, message_id, created_at, expires_at, expires_at <= now() AS expired,
         confirmed_at
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
      storedAt: row.created_at,
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
