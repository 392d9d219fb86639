import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Credentials that can be taken back: API-client secret rotation with an overlap window and
 * deactivation, static SCIM tokens (hashed), logout (revoked session ids) and the ES256 signing keys.
 */
export class Credentials1796217600000 implements MigrationInterface {
  readonly name = 'Credentials1796217600000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE user_provisioning.api_clients
        ADD COLUMN previous_secret_hash text,
        ADD COLUMN previous_secret_valid_until timestamptz,
        ADD COLUMN secret_rotated_at timestamptz,
        ADD COLUMN deactivated_at timestamptz`);
    await runner.query(`
      CREATE TABLE user_provisioning.scim_tokens (
        id uuid PRIMARY KEY,
        hospital_id uuid NOT NULL REFERENCES user_provisioning.hospitals (id),
        name text,
        token_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await runner.query(`CREATE INDEX scim_tokens_hospital ON user_provisioning.scim_tokens (hospital_id)`);
    // Logout: a session id is refused until its token would have expired anyway, then the row is pruned.
    await runner.query(`
      CREATE TABLE user_provisioning.revoked_sessions (
        session_id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await runner.query(
      `CREATE INDEX revoked_sessions_expiry ON user_provisioning.revoked_sessions (expires_at)`,
    );
    // The private key is a passphrase-encrypted PKCS#8 PEM (SIGNING_KEY_PASSPHRASE); only the public
    // half ever leaves this service. One key signs (retired_at null); retired ones verify until
    // every token they signed has expired.
    await runner.query(`
      CREATE TABLE user_provisioning.signing_keys (
        kid text PRIMARY KEY,
        private_key_pem text NOT NULL,
        public_jwk jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        retired_at timestamptz
      )`);
    await runner.query(
      `CREATE UNIQUE INDEX signing_keys_one_active ON user_provisioning.signing_keys ((true)) WHERE retired_at IS NULL`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE user_provisioning.signing_keys`);
    await runner.query(`DROP TABLE user_provisioning.revoked_sessions`);
    await runner.query(`DROP TABLE user_provisioning.scim_tokens`);
    await runner.query(`
      ALTER TABLE user_provisioning.api_clients
        DROP COLUMN previous_secret_hash,
        DROP COLUMN previous_secret_valid_until,
        DROP COLUMN secret_rotated_at,
        DROP COLUMN deactivated_at`);
  }
}
