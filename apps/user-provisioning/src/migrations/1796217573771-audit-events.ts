import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The platform audit trail (PRODUCT.md "Audit"): every PHI read and every configuration or credential
 * change, ids only. `seq` orders the pages (a cursor that never skips rows written in the same
 * microsecond); hospitals are not a foreign key so a record never fails on a row being created with it.
 */
export class AuditEvents1796217573771 implements MigrationInterface {
  readonly name = 'AuditEvents1796217573771';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE user_provisioning.audit_events (
        seq bigserial PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        hospital_id uuid NOT NULL,
        at timestamptz NOT NULL,
        actor_kind text NOT NULL,
        actor_id text NOT NULL,
        action text NOT NULL,
        resource_type text NOT NULL,
        resource_id text NOT NULL,
        correlation_id text NOT NULL
      )`);
    await runner.query(
      `CREATE INDEX audit_events_hospital ON user_provisioning.audit_events (hospital_id, seq DESC)`,
    );
    await runner.query(
      `CREATE INDEX audit_events_resource ON user_provisioning.audit_events (hospital_id, resource_type, resource_id)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE user_provisioning.audit_events`);
  }
}
