import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A user's preferred language (BCP 47, e.g. nl-BE): the Care app speaks it when the browser has no choice. */
export class UserPreferredLanguage1796260000001 implements MigrationInterface {
  readonly name = 'UserPreferredLanguage1796260000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE user_provisioning.users ADD COLUMN preferred_language text`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE user_provisioning.users DROP COLUMN preferred_language`);
  }
}
