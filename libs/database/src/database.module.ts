import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions, type EntitySchema, type MigrationInterface } from 'typeorm';
import { PreparingClient } from './prepared-statements';
import { SnakeNamingStrategy } from './snake-naming.strategy';

export interface DatabaseModuleOptions {
  /** The service's own PostgreSQL schema: no other service reads it. */
  schema: string;
  url: string;
  poolSize?: number;
  /** false: plain statements, for a pooler that cannot keep prepared ones (see PreparingClient). */
  preparedStatements?: boolean;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type for entity classes
  entities: (Function | EntitySchema)[];
  migrations: (new () => MigrationInterface)[];
}

/** A data service's connection settings as its environment states them (DataServiceEnv, libs/config). */
export interface DatabaseConnectionEnv {
  DATABASE_URL: string;
  DATABASE_POOL_SIZE: number;
  DATABASE_PREPARED_STATEMENTS: 'true' | 'false';
}

/** The connection part of DatabaseModuleOptions, read from the service's environment. */
export function connectionFromEnv(
  env: DatabaseConnectionEnv,
): Pick<DatabaseModuleOptions, 'url' | 'poolSize' | 'preparedStatements'> {
  return {
    url: env.DATABASE_URL,
    poolSize: env.DATABASE_POOL_SIZE,
    preparedStatements: env.DATABASE_PREPARED_STATEMENTS === 'true',
  };
}

/**
 * One TypeORM DataSource per service, on its own schema, with its committed migrations run at start.
 * Migrations run under a PostgreSQL advisory lock keyed by the schema, so instances starting together
 * do not race; `synchronize` is never used.
 */
@Module({})
export class DatabaseModule {
  static forService(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => dataSourceOptions(options),
          dataSourceFactory: async (config) => openDataSource(config as DataSourceOptions, options.schema),
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}

/**
 * How long an idle pooled connection stays open. pg-pool's default (10 s) closed the connections a lull
 * left idle and opened them again under the next load: each time a SCRAM login (PBKDF2 on both sides), a
 * new backend, and every statement prepared and planned again on cold catalog caches (1.5 ms a plan).
 */
export const POOL_IDLE_TIMEOUT_MS = 5 * 60_000;

/**
 * How long a pooled connection lives at most (it is closed when next idle). A journal row is changed in its
 * day partition by name (MessageJournal.update), so a connection prepares a statement per day: a day's
 * life keeps that to one or two, where a connection busy for months would fill its cap of prepared
 * statements (prepared-statements.ts) and keep those of partitions long dropped.
 */
export const POOL_MAX_LIFETIME_S = 24 * 3600;

export function dataSourceOptions(options: DatabaseModuleOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    applicationName: `careflow-bridge:${options.schema}`,
    extra: {
      max: options.poolSize ?? 10,
      idleTimeoutMillis: POOL_IDLE_TIMEOUT_MS,
      maxLifetimeSeconds: POOL_MAX_LIFETIME_S,
      // An idle connection (and its 5-minute timer) must not keep a process alive that has nothing else to do.
      allowExitOnIdle: true,
      ...(options.preparedStatements === false ? {} : { Client: PreparingClient }),
    },
  };
}

export async function openDataSource(config: DataSourceOptions, schema: string): Promise<DataSource> {
  const dataSource = new DataSource(config);
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`migrations:${schema}`]);
    // A service role owns its schema but may not create schemas (the launcher's bootstrap made it):
    // CREATE SCHEMA checks that right even when the schema exists, so it is only asked when missing.
    const existing = (await runner.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [
      schema,
    ])) as unknown[];
    if (existing.length === 0) await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner
      .query('SELECT pg_advisory_unlock(hashtext($1))', [`migrations:${schema}`])
      .catch(() => undefined);
    await runner.release();
  }
  return dataSource;
}
