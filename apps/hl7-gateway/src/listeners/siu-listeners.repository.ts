import { Injectable, Logger } from '@nestjs/common';
import type { SiuListenerChangedEventV1, SiuListenerV1 } from '@bridge/contracts';
import {
  openFields,
  resealTable,
  SecretBox,
  sealFields,
  sealingContext,
  type SealedTable,
} from '@bridge/database';
import { DataSource } from 'typeorm';

/** The event whose sealed TLS keys this table takes over (they are bound to its name and the hospital). */
const LISTENER_EVENT = 'siu.listener.changed.v1';

/** The listener TLS key is sealed in the row, bound to this table and the hospital. */
export const SIU_LISTENER_SECRETS: SealedTable = { table: 'hl7_gateway.siu_listeners', paths: ['tls.key'] };

type StoredListener = Omit<SiuListenerV1, 'hospitalId'>;

/**
 * The listeners this service runs, as siu-ingestor announced them (`siu.listener.changed.v1`): one row per
 * hospital, the newest version wins. Every instance reads the same rows, so each runs the same listeners.
 */
@Injectable()
export class SiuListenersRepository {
  private readonly logger = new Logger('SiuListenersRepository');

  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
  ) {}

  /**
   * Keeps the event's listener unless a newer version is already kept (redelivered or overtaken events
   * change nothing). Answers whether it changed the row. A TLS key that does not open with this service's
   * SECRETS_KEY throws SecretKeyError (the two services must share the key).
   */
  async apply(event: SiuListenerChangedEventV1): Promise<boolean> {
    const settings = event.listener
      ? sealFields(
          this.box,
          openFields(
            this.box,
            event.listener,
            SIU_LISTENER_SECRETS.paths,
            sealingContext(LISTENER_EVENT, event.hospitalId),
          ),
          SIU_LISTENER_SECRETS.paths,
          context(event.hospitalId),
        )
      : null;
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO hl7_gateway.siu_listeners (hospital_id, settings, version) VALUES ($1, $2, $3)
       ON CONFLICT (hospital_id) DO UPDATE SET settings = EXCLUDED.settings, version = EXCLUDED.version, updated_at = now()
         WHERE siu_listeners.version < EXCLUDED.version
       RETURNING hospital_id`,
      [event.hospitalId, settings === null ? null : JSON.stringify(settings), event.version],
    );
    return rows.length > 0;
  }

  /** Every listener to run, TLS keys opened. One whose key does not open is left out (and said), not the rest. */
  async wanted(): Promise<SiuListenerV1[]> {
    const rows: { hospital_id: string; settings: StoredListener }[] = await this.dataSource.query(
      `SELECT hospital_id, settings FROM hl7_gateway.siu_listeners WHERE settings IS NOT NULL ORDER BY hospital_id`,
    );
    const listeners: SiuListenerV1[] = [];
    for (const row of rows) {
      try {
        const settings = openFields(
          this.box,
          row.settings,
          SIU_LISTENER_SECRETS.paths,
          context(row.hospital_id),
        );
        listeners.push({ ...settings, hospitalId: row.hospital_id, port: Number(settings.port) });
      } catch (error) {
        this.logger.error({
          msg: 'SIU listener TLS key does not open; listener not run',
          hospitalId: row.hospital_id,
          error: (error as Error).message,
        });
      }
    }
    return listeners;
  }

  /** Seals what an older key sealed with the current one (after a SECRETS_KEY rotation). */
  resealAll(): Promise<number> {
    return resealTable(
      (sql, parameters) => this.dataSource.query(sql, parameters),
      this.box,
      SIU_LISTENER_SECRETS,
    );
  }
}

function context(hospitalId: string): string {
  return sealingContext(SIU_LISTENER_SECRETS.table, hospitalId);
}
