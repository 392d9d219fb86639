import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Each hospital's retention (PRODUCT.md "Retention"); a hospital without a row follows the defaults. */
export class HospitalRetention1796228252553 implements MigrationInterface {
  readonly name = 'HospitalRetention1796228252553';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE user_provisioning.hospital_retention (
        hospital_id uuid PRIMARY KEY REFERENCES user_provisioning.hospitals (id),
        message_bodies_days integer NOT NULL CHECK (message_bodies_days >= 1),
        messages_days integer NOT NULL CHECK (messages_days >= message_bodies_days),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE user_provisioning.hospital_retention`);
  }
}
