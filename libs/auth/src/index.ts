export * from './access-token';
export * from './jwt.strategy';
export * from './scopes.guard';
export * from './failed-attempts';
export * from './session-check';
export * from './client-check';
export * from './verification-keys';
export * from './concurrency-gate';
