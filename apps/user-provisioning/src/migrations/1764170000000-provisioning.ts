import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Sessions that can be revoked, single-use login tokens, SCIM deletion and the provisioning audit log. */
export class Provisioning1764170000000 implements MigrationInterface {
  readonly name = 'Provisioning1764170000000';

  async up(runner: QueryRunner): Promise<void> {
    // Bumped on deactivation (and when a role is taken away): every session and login token signed with
    // an older version stops working, even if the user is reactivated later.
    await runner.query(
      `ALTER TABLE user_provisioning.users ADD COLUMN session_version integer NOT NULL DEFAULT 0`,
    );
    // Set by DELETE (REST or SCIM): the row stays (care flows name it), SCIM no longer shows it.
    await runner.query(`ALTER TABLE user_provisioning.users ADD COLUMN deleted_at timestamptz`);
    await runner.query(`
      CREATE TABLE user_provisioning.login_tokens (
        id uuid PRIMARY KEY,
        hospital_id uuid NOT NULL REFERENCES user_provisioning.hospitals (id),
        user_id uuid NOT NULL REFERENCES user_provisioning.users (id),
        token_hash text NOT NULL UNIQUE,
        session_version integer NOT NULL,
        patient_code text,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(
      `CREATE INDEX login_tokens_hospital_expiry ON user_provisioning.login_tokens (hospital_id, expires_at)`,
    );
    await runner.query(`CREATE INDEX login_tokens_user ON user_provisioning.login_tokens (user_id)`);
    await runner.query(`
      CREATE TABLE user_provisioning.audit_log (
        id uuid PRIMARY KEY,
        hospital_id uuid NOT NULL REFERENCES user_provisioning.hospitals (id),
        user_id uuid NOT NULL,
        action text NOT NULL,
        channel text NOT NULL,
        actor_kind text NOT NULL,
        actor_subject text NOT NULL,
        fields text[] NOT NULL DEFAULT '{}',
        at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await runner.query(
      `CREATE INDEX audit_log_user ON user_provisioning.audit_log (hospital_id, user_id, at)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE user_provisioning.audit_log`);
    await runner.query(`DROP TABLE user_provisioning.login_tokens`);
    await runner.query(`ALTER TABLE user_provisioning.users DROP COLUMN deleted_at`);
    await runner.query(`ALTER TABLE user_provisioning.users DROP COLUMN session_version`);
  }
}
