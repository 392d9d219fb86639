import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each hospital's IANA time zone (the screens show times in it; validated with Intl at the API). Existing
 * hospitals get the zone the platform assumed until now.
 */
export class HospitalTimezone1796260000000 implements MigrationInterface {
  readonly name = 'HospitalTimezone1796260000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE user_provisioning.hospitals ADD COLUMN timezone text NOT NULL DEFAULT 'Europe/Brussels'`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE user_provisioning.hospitals DROP COLUMN timezone`);
  }
}
