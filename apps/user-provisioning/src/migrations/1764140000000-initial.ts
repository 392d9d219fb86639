import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1764140000000 implements MigrationInterface {
  readonly name = 'Initial1764140000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE user_provisioning.hospitals (
        id uuid PRIMARY KEY,
        key text NOT NULL UNIQUE,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE user_provisioning.api_clients (
        id uuid PRIMARY KEY,
        hospital_id uuid NOT NULL REFERENCES user_provisioning.hospitals (id),
        name text NOT NULL,
        client_id text NOT NULL UNIQUE,
        secret_hash text NOT NULL,
        scopes text[] NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX api_clients_hospital ON user_provisioning.api_clients (hospital_id)`);
    await runner.query(`
      CREATE TABLE user_provisioning.users (
        id uuid PRIMARY KEY,
        hospital_id uuid NOT NULL REFERENCES user_provisioning.hospitals (id),
        email text NOT NULL,
        email_lower text NOT NULL,
        first_name text NOT NULL,
        last_name text NOT NULL,
        roles text[] NOT NULL,
        hospital_user_id text,
        physician_code text,
        password_hash text,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(
      `CREATE UNIQUE INDEX users_hospital_email ON user_provisioning.users (hospital_id, email_lower)`,
    );
    await runner.query(`CREATE UNIQUE INDEX users_hospital_user_id ON user_provisioning.users (hospital_id, hospital_user_id)
      WHERE hospital_user_id IS NOT NULL`);
    await runner.query(`CREATE UNIQUE INDEX users_physician_code ON user_provisioning.users (hospital_id, physician_code)
      WHERE physician_code IS NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE user_provisioning.users`);
    await runner.query(`DROP TABLE user_provisioning.api_clients`);
    await runner.query(`DROP TABLE user_provisioning.hospitals`);
  }
}
