export * from './database.module';
export * from './embedded-postgres';
export * from './database-admin';
export * from './snake-naming.strategy';
export * from './idempotency';
