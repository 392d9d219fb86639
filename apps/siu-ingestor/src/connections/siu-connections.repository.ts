import { Injectable } from '@nestjs/common';
import {
  openFields,
  resealTable,
  SecretBox,
  sealFields,
  sealingContext,
  type SealedTable,
} from '@bridge/database';
import { Outbox } from '@bridge/messaging';
import { DataSource } from 'typeorm';
import { SIU_LISTENER_EVENT, SIU_LISTENER_VERSIONS, siuListenerChangedEvent } from './siu-listener-event';
import { SIU_SECRET_PATHS, type SiuConnectionSettings } from './siu-settings';

/** The secret fields of an SIU connection: sealed in the row (PRODUCT.md "Secrets at rest"). */
export const SIU_SECRETS: SealedTable = { table: 'siu_ingestor.siu_connections', paths: SIU_SECRET_PATHS };
export interface StoredSiuConnection {
  hospitalId: string;
  settings: SiuConnectionSettings;
  updatedAt: Date;
}

/** SIU connections (one per hospital); every query takes the hospital id, except the schedule reload. */
@Injectable()
export class SiuConnectionsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Saves the connection once `check` (given every other hospital's connection) finds no conflict. Saves are
   * serialised by a transaction-scoped advisory lock, so two hospitals saved at once cannot both take the
   * same port or folder. The same transaction announces the hospital's listener to hl7-gateway
   * (`siu.listener.changed.v1`), numbered under the lock so the numbers follow the commit order.
   */
  async save(
    hospitalId: string,
    settings: SiuConnectionSettings,
    check: (others: { hospitalId: string; settings: SiuConnectionSettings }[]) => Promise<void> = async () =>
      undefined,
    options: { dryRun?: boolean } = {},
  ): Promise<StoredSiuConnection> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('siu_ingestor.siu_connections'))`);
      const others: { hospital_id: string; settings: SiuConnectionSettings }[] = await manager.query(
        `SELECT hospital_id, settings FROM siu_ingestor.siu_connections WHERE hospital_id <> $1`,
        [hospitalId],
      );
      await check(others.map((row) => ({ hospitalId: row.hospital_id, settings: row.settings })));
      // A dry run checks against the others under the same lock and writes nothing.
      if (options.dryRun) return { hospitalId, settings, updatedAt: new Date() };
      const rows: { updated_at: Date }[] = await manager.query(
        `INSERT INTO siu_ingestor.siu_connections (hospital_id, settings) VALUES ($1, $2)
         ON CONFLICT (hospital_id) DO UPDATE SET settings = EXCLUDED.settings, updated_at = now()
         RETURNING updated_at`,
        [hospitalId, JSON.stringify(sealFields(this.box, settings, SIU_SECRETS.paths, context(hospitalId)))],
      );
      const [{ version }]: { version: string }[] = await manager.query(
        `SELECT nextval('${SIU_LISTENER_VERSIONS}') AS version`,
      );
      await this.outbox.add(
        manager,
        SIU_LISTENER_EVENT,
        siuListenerChangedEvent(this.box, hospitalId, settings, Number(version)),
      );
      return { hospitalId, settings, updatedAt: rows[0].updated_at };
    });
  }

  async find(hospitalId: string): Promise<StoredSiuConnection | undefined> {
    const rows: { settings: SiuConnectionSettings; updated_at: Date }[] = await this.dataSource.query(
      `SELECT settings, updated_at FROM siu_ingestor.siu_connections WHERE hospital_id = $1`,
      [hospitalId],
    );
    if (!rows[0]) return undefined;
    const settings = openFields(this.box, rows[0].settings, SIU_SECRETS.paths, context(hospitalId));
    return { hospitalId, settings, updatedAt: rows[0].updated_at };
  }

  /** Seals what an older key sealed with the current one (after a SECRETS_KEY rotation). */
  resealAll(): Promise<number> {
    return resealTable((sql, parameters) => this.dataSource.query(sql, parameters), this.box, SIU_SECRETS);
  }

  /** Every hospital's schedule: what each instance's scheduler runs (platform-wide by nature). */
  async schedules(): Promise<{ hospitalId: string; schedule: string; timezone: string; updatedAt: Date }[]> {
    const rows: { hospital_id: string; schedule: string; timezone: string; updated_at: Date }[] =
      await this.dataSource.query(
        `SELECT hospital_id, settings->>'schedule' AS schedule, settings->>'timezone' AS timezone, updated_at
       FROM siu_ingestor.siu_connections`,
      );
    return rows.map((row) => ({
      hospitalId: row.hospital_id,
      schedule: row.schedule,
      timezone: row.timezone,
      updatedAt: row.updated_at,
    }));
  }
}

function context(hospitalId: string): string {
  return sealingContext(SIU_SECRETS.table, hospitalId);
}
