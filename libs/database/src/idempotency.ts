import { createHash } from 'node:crypto';
import type { MigrationInterface, QueryRunner, EntityManager } from 'typeorm';
import { DomainError } from '@bridge/contracts';

/**
 * Idempotency-Key support: the first request with a (hospital, key) claims it in the same transaction
 * as the work and stores its response there; a retry with the same key and body gets the stored
 * response, a different body is refused.
 *
 * The claim is an `INSERT … ON CONFLICT DO NOTHING`: a concurrent request with the same key waits on the
 * unique index until the first transaction ends, then sees its committed response (or, if it rolled
 * back, claims the key itself). `SELECT … FOR UPDATE` locked nothing while the row did not exist yet,
 * so two concurrent first requests both did the work and the second failed on the primary key (a 500).
 */
export class IdempotencyKeys {
  constructor(private readonly schema: string) {}

  /** Undefined: this transaction holds the key and must do the work, then `remember` its response. */
  async claim<T>(
    manager: EntityManager,
    scope: { hospitalId: string; key: string; operation: string; request: unknown },
  ): Promise<T | undefined> {
    const requestHash = hashRequest(scope.request);
    const claimed: unknown[] = await manager.query(
      `INSERT INTO "${this.schema}".idempotency_keys (hospital_id, key, operation, request_hash, response)
       VALUES ($1, $2, $3, $4, 'null'::jsonb)
       ON CONFLICT (hospital_id, key, operation) DO NOTHING
       RETURNING 1`,
      [scope.hospitalId, scope.key, scope.operation, requestHash],
    );
    if (claimed.length > 0) return undefined;
    const rows: { request_hash: string; response: T }[] = await manager.query(
      `SELECT request_hash, response FROM "${this.schema}".idempotency_keys
       WHERE hospital_id = $1 AND key = $2 AND operation = $3`,
      [scope.hospitalId, scope.key, scope.operation],
    );
    if (rows[0]?.request_hash !== requestHash) {
      throw new DomainError(
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was used with a different request.',
      );
    }
    return rows[0].response;
  }

  /** Stores the response of the work done under `claim`, in the same transaction. */
  async remember(
    manager: EntityManager,
    scope: { hospitalId: string; key: string; operation: string; request: unknown },
    response: unknown,
  ): Promise<void> {
    await manager.query(
      `UPDATE "${this.schema}".idempotency_keys SET response = $4
       WHERE hospital_id = $1 AND key = $2 AND operation = $3`,
      [scope.hospitalId, scope.key, scope.operation, JSON.stringify(response)],
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
