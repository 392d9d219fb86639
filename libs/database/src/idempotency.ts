import { createHash } from 'node:crypto';
import type { MigrationInterface, QueryRunner, EntityManager } from 'typeorm';
import { DomainError } from '@bridge/contracts';

/**
 * Idempotency-Key support: the first response to a (hospital, key) is stored in the same transaction
 * as the work; a retry with the same key and body gets the stored response, a different body is refused.
 */
export class IdempotencyKeys {
  constructor(private readonly schema: string) {}

  async replay<T>(
    manager: EntityManager,
    scope: { hospitalId: string; key: string; operation: string; request: unknown },
  ): Promise<T | undefined> {
    const rows: { request_hash: string; response: T }[] = await manager.query(
      `SELECT request_hash, response FROM "${this.schema}".idempotency_keys
       WHERE hospital_id = $1 AND key = $2 AND operation = $3 FOR UPDATE`,
      [scope.hospitalId, scope.key, scope.operation],
    );
    if (rows.length === 0) return undefined;
    if (rows[0].request_hash !== hashRequest(scope.request)) {
      throw new DomainError(
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was used with a different request.',
      );
    }
    return rows[0].response;
  }

  async remember(
    manager: EntityManager,
    scope: { hospitalId: string; key: string; operation: string; request: unknown },
    response: unknown,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO "${this.schema}".idempotency_keys (hospital_id, key, operation, request_hash, response)
       VALUES ($1, $2, $3, $4, $5)`,
      [scope.hospitalId, scope.key, scope.operation, hashRequest(scope.request), JSON.stringify(response)],
    );
  }
}

function hashRequest(request: unknown): string {
  return createHash('sha256').update(JSON.stringify(request)).digest('hex');
}

export function idempotencyKeysMigration(schema: string): new () => MigrationInterface {
  return class implements MigrationInterface {
    readonly name = 'IdempotencyKeys1764133300000';
    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE "${schema}".idempotency_keys (
          hospital_id uuid NOT NULL,
          key text NOT NULL,
          operation text NOT NULL,
          request_hash text NOT NULL,
          response jsonb NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (hospital_id, key, operation)
        )`);
    }
    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE "${schema}".idempotency_keys`);
    }
  };
}
