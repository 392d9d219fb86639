import { Injectable } from '@nestjs/common';
import type { WebServiceConnectionInputV1 } from '@bridge/contracts';
import {
  openFields,
  resealTable,
  SecretBox,
  sealFields,
  sealingContext,
  type SealedTable,
} from '@bridge/database';
import { DataSource } from 'typeorm';

/** The secret fields of a web-service connection: sealed in the row (PRODUCT.md "Secrets at rest"). */
export const WEB_SERVICE_SECRETS: SealedTable = {
  table: 'patient_import.webservice_connections',
  paths: ['auth.password', 'auth.token', 'auth.value'],
};

/** A hospital's web-service connection, secrets opened: it never leaves this service as is. */
export interface StoredWebServiceConnection {
  hospitalId: string;
  settings: WebServiceConnectionInputV1;
  updatedAt: Date;
}

interface ConnectionRow {
  hospital_id: string;
  settings: WebServiceConnectionInputV1;
  updated_at: Date;
}

/** Named queries on web-service connections; one per hospital, keyed by the hospital id. */
@Injectable()
export class WebServiceConnectionsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
  ) {}

  async upsert(
    hospitalId: string,
    settings: WebServiceConnectionInputV1,
  ): Promise<StoredWebServiceConnection> {
    const sealed = sealFields(this.box, settings, WEB_SERVICE_SECRETS.paths, context(hospitalId));
    const rows: ConnectionRow[] = await this.dataSource.query(
      `INSERT INTO patient_import.webservice_connections (hospital_id, flavor, settings)
       VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (hospital_id) DO UPDATE SET flavor = EXCLUDED.flavor, settings = EXCLUDED.settings, updated_at = now()
       RETURNING hospital_id, settings, updated_at`,
      [hospitalId, settings.flavor, JSON.stringify(sealed)],
    );
    return { hospitalId, settings, updatedAt: rows[0].updated_at };
  }

  async find(hospitalId: string): Promise<StoredWebServiceConnection | undefined> {
    const rows: ConnectionRow[] = await this.dataSource.query(
      `SELECT hospital_id, settings, updated_at FROM patient_import.webservice_connections WHERE hospital_id = $1`,
      [hospitalId],
    );
    if (!rows[0]) return undefined;
    const settings = openFields(this.box, rows[0].settings, WEB_SERVICE_SECRETS.paths, context(hospitalId));
    return { hospitalId, settings, updatedAt: rows[0].updated_at };
  }

  /** Seals what an older key sealed with the current one (after a SECRETS_KEY rotation). */
  resealAll(): Promise<number> {
    return resealTable(
      (sql, parameters) => this.dataSource.query(sql, parameters),
      this.box,
      WEB_SERVICE_SECRETS,
    );
  }
}

function context(hospitalId: string): string {
  return sealingContext(WEB_SERVICE_SECRETS.table, hospitalId);
}
