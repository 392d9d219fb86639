import { Injectable } from '@nestjs/common';
import type { CandidateV1, LookupKey } from '@bridge/contracts';
import { writeWithoutFlushWait } from '@bridge/database';
import { DataSource, type EntityManager } from 'typeorm';
import type { ImportSource } from '../import-sources/import-sources.repository';

export interface NewImportSession {
  id: string;
  hospitalId: string;
  requestedBy: string;
  source: ImportSource;
  lookupBy: LookupKey;
  candidates: CandidateV1[];
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
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Does not wait for the disk (P3: it is on the path of every lookup). A session is a short-lived copy of
   * the hospital's answer: only a PostgreSQL crash right after the lookup could lose it, and a confirm then
   * answers IMPORT_NOT_FOUND, as for any unknown import, and the user looks the patient up again.
   */
  async insert(session: NewImportSession): Promise<{ expiresAt: string }> {
    const rows = await writeWithoutFlushWait<{ expires_at: Date }[]>(
      this.dataSource,
      `INSERT INTO patient_import.import_sessions
         (id, hospital_id, requested_by, source, lookup_by, candidates, message_id, expires_at)
       SELECT $1, $2, $3, $4, $5, $6::jsonb, $7, now() + make_interval(secs => $8) FROM relaxed_commit
       RETURNING expires_at`,
      [
        session.id,
        session.hospitalId,
        session.requestedBy,
        session.source,
        session.lookupBy,
        JSON.stringify(session.candidates),
        session.messageId ?? null,
        session.ttlSeconds,
      ],
    );
    return { expiresAt: rows[0].expires_at.toISOString() };
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

  /** The Care app patients that already carry these patient codes in this hospital, by code. */
  async existingPatientIds(hospitalId: string, patientCodes: string[]): Promise<Map<string, string>> {
    if (patientCodes.length === 0) return new Map();
    const rows: { id: string; patient_code: string }[] = await this.dataSource.query(
      `SELECT id, patient_code FROM patient_import.patients WHERE hospital_id = $1 AND patient_code = ANY($2::text[])`,
      [hospitalId, patientCodes],
    );
    return new Map(rows.map((row) => [row.patient_code, row.id]));
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
