import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface ConsumedLoginToken {
  hospitalId: string;
  userId: string;
  sessionVersion: number;
  patientCode: string | null;
  /** When the token was issued (the `at` of its `users.login-link.issued.v1`). */
  issuedAt: Date;
}

/**
 * Named queries on login tokens. Issuing takes the hospital id; redeeming cannot (the token is what
 * says which hospital and user it is for), so those two look up by the token's hash alone.
 */
@Injectable()
export class LoginTokensRepository {
  async insert(
    manager: EntityManager,
    token: {
      id: string;
      hospitalId: string;
      userId: string;
      tokenHash: string;
      sessionVersion: number;
      patientCode: string | null;
      ttlSeconds: number;
    },
  ): Promise<{ expiresAt: Date; issuedAt: Date }> {
    // Expiry is computed and later compared on the database clock, so app-server clock skew cannot widen it.
    const rows: { expires_at: Date; created_at: Date }[] = await manager.query(
      `INSERT INTO user_provisioning.login_tokens
         (id, hospital_id, user_id, token_hash, session_version, patient_code, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))
       RETURNING expires_at, created_at`,
      [
        token.id,
        token.hospitalId,
        token.userId,
        token.tokenHash,
        token.sessionVersion,
        token.patientCode,
        token.ttlSeconds,
      ],
    );
    return { expiresAt: rows[0].expires_at, issuedAt: rows[0].created_at };
  }

  /** Expired tokens are useless; a day's grace keeps them for anyone investigating a failed sign-in. */
  async purgeExpired(manager: EntityManager, hospitalId: string): Promise<void> {
    await manager.query(
      `DELETE FROM user_provisioning.login_tokens WHERE hospital_id = $1 AND expires_at < now() - interval '1 day'`,
      [hospitalId],
    );
  }

  /** Marks the token used if it is unused and unexpired, in one statement: two redeemers, one winner. */
  async consume(manager: EntityManager, tokenHash: string): Promise<ConsumedLoginToken | undefined> {
    const [rows]: [
      {
        hospital_id: string;
        user_id: string;
        session_version: number;
        patient_code: string | null;
        created_at: Date;
      }[],
      number,
    ] = await manager.query(
      `UPDATE user_provisioning.login_tokens SET used_at = now()
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
         RETURNING hospital_id, user_id, session_version, patient_code, created_at`,
      [tokenHash],
    );
    const row = rows[0];
    return (
      row && {
        hospitalId: row.hospital_id,
        userId: row.user_id,
        sessionVersion: row.session_version,
        patientCode: row.patient_code,
        issuedAt: row.created_at,
      }
    );
  }
}
