import { openFields, sealingContext, type SecretBox } from '@bridge/database';
import { randomUUID } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { SIU_SECRETS } from '../connections/siu-connections.repository';
import {
  SIU_LISTENER_EVENT,
  SIU_LISTENER_VERSIONS,
  siuListenerChangedEvent,
} from '../connections/siu-listener-event';
import type { SiuConnectionSettings } from '../connections/siu-settings';

/**
 * hl7-gateway used to ask for the listeners every 2 s; it now keeps them from `siu.listener.changed.v1`.
 * This creates the sequence that numbers those events and announces, once, every listener saved before
 * (one outbox row per connection that has one, in the migration's transaction, so it happens exactly once).
 */
export function announceSiuListenersMigration(box: SecretBox): new () => MigrationInterface {
  return class implements MigrationInterface {
    readonly name = 'AnnounceSiuListeners1796228500000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`CREATE SEQUENCE IF NOT EXISTS ${SIU_LISTENER_VERSIONS}`);
      // Saves by instances still on the previous release wait: their listener is read here or after.
      await runner.query(`SELECT pg_advisory_xact_lock(hashtext('siu_ingestor.siu_connections'))`);
      const rows = (await runner.query(
        `SELECT hospital_id, settings FROM siu_ingestor.siu_connections
         WHERE settings->'mllpListener' IS NOT NULL AND settings->'mllpListener' <> 'null'::jsonb
         ORDER BY hospital_id`,
      )) as { hospital_id: string; settings: SiuConnectionSettings }[];
      for (const row of rows) {
        const settings = openFields(
          box,
          row.settings,
          SIU_SECRETS.paths,
          sealingContext(SIU_SECRETS.table, row.hospital_id),
        );
        const [{ version }] = (await runner.query(
          `SELECT nextval('${SIU_LISTENER_VERSIONS}') AS version`,
        )) as {
          version: string;
        }[];
        const event = siuListenerChangedEvent(box, row.hospital_id, settings, Number(version));
        const id = randomUUID();
        await runner.query(
          `INSERT INTO siu_ingestor.outbox (id, event, payload, correlation_id, created_at)
           VALUES ($1, $2, $3, $4, clock_timestamp())`,
          [id, SIU_LISTENER_EVENT, JSON.stringify(event), id],
        );
      }
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP SEQUENCE ${SIU_LISTENER_VERSIONS}`);
    }
  };
}
