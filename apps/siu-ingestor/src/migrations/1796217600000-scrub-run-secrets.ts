import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Runs used to copy the whole connection, SFTP secrets included, into `siu_runs.settings`, kept for as
 * long as the run. A run keeps only the connection's non-secret settings now (what its messages are
 * read by); this removes the secrets every earlier run copied. The row versions they leave behind are
 * reclaimed by PostgreSQL's (auto)vacuum; `VACUUM siu_ingestor.siu_runs` does it at once.
 */
export class ScrubRunSecrets1796217600000 implements MigrationInterface {
  readonly name = 'ScrubRunSecrets1796217600000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      UPDATE siu_ingestor.siu_runs
      SET settings = settings #- '{source,password}' #- '{source,privateKey}' #- '{source,passphrase}'
        #- '{mllpListener,tls,key}'
      WHERE settings->'source' ?| array['password', 'privateKey', 'passphrase']
        OR settings->'mllpListener'->'tls' ? 'key'`);
  }

  async down(): Promise<void> {
    // Removed secrets are not put back.
  }
}
