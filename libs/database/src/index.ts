export * from './database.module';
export * from './embedded-postgres';
export * from './database-admin';
export * from './snake-naming.strategy';
export * from './idempotency';
export * from './postgres-errors';
export * from './database-health';
export * from './sql-conditions';
