import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * Sessions ended by logout. A row lives until the token it revokes would have expired anyway; expired
 * rows are pruned on each logout, so the table stays the size of the sessions ended in the last 8 hours.
 */
@Injectable()
export class RevokedSessions {
  async revoke(manager: EntityManager, sessionId: string, userId: string, expiresAt: Date): Promise<void> {
    await manager.query(
      `INSERT INTO user_provisioning.revoked_sessions (session_id, user_id, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (session_id) DO NOTHING`,
      [sessionId, userId, expiresAt],
    );
    await manager.query(`DELETE FROM user_provisioning.revoked_sessions WHERE expires_at < now()`);
  }

  async isRevoked(manager: EntityManager, sessionId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM user_provisioning.revoked_sessions WHERE session_id = $1`,
      [sessionId],
    );
    return rows.length > 0;
  }
}
