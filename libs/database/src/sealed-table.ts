import { type DynamicModule, Module } from '@nestjs/common';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { resealFields, SecretBox, type SecretPaths } from './secret-box';

/** A table of per-hospital connections whose jsonb `settings` hold sealed secrets. */
export interface SealedTable {
  /** `schema.table`; the row key is `hospital_id`. Also the context the secrets are bound to. */
  table: string;
  paths: SecretPaths;
}

type Query = (sql: string, parameters?: unknown[]) => Promise<unknown>;

/** What every sealed value of a row is bound to: the table and the hospital (plus the field). */
export function sealingContext(table: string, hospitalId: string): string {
  return `${table}:${hospitalId}`;
}

/**
 * Seals plain secrets and re-seals those of an older key with the current one, row by row. Each write
 * is conditional on the row being unchanged (an admin saving at the same time wins, already sealed
 * with the current key), so instances starting together do no harm. Answers how many rows changed.
 */
export async function resealTable(query: Query, box: SecretBox, spec: SealedTable): Promise<number> {
  const rows = (await query(`SELECT hospital_id, settings FROM ${spec.table}`)) as {
    hospital_id: string;
    settings: unknown;
  }[];
  let changed = 0;
  for (const row of rows) {
    const next = resealFields(box, row.settings, spec.paths, sealingContext(spec.table, row.hospital_id));
    if (next === undefined) continue;
    await query(
      `UPDATE ${spec.table} SET settings = $2::jsonb WHERE hospital_id = $1 AND settings = $3::jsonb`,
      [row.hospital_id, JSON.stringify(next), JSON.stringify(row.settings)],
    );
    changed += 1;
  }
  return changed;
}

/** The committed migration that seals the secrets stored in plain text before secrets at rest. */
export function sealSecretsMigration(
  name: string,
  box: SecretBox,
  spec: SealedTable,
): new () => MigrationInterface {
  return class implements MigrationInterface {
    readonly name = name;
    async up(runner: QueryRunner): Promise<void> {
      await resealTable((sql, parameters) => runner.query(sql, parameters), box, spec);
    }
    async down(): Promise<void> {
      // Secrets are never written back in plain text.
    }
  };
}

/** Makes the service's SecretBox injectable in every feature module of it. */
@Module({})
export class SecretBoxModule {
  static forService(box: SecretBox): DynamicModule {
    return {
      module: SecretBoxModule,
      global: true,
      providers: [{ provide: SecretBox, useValue: box }],
      exports: [SecretBox],
    };
  }
}
