export * from './load-config';
export * from './env.schemas';
export * from './run-service';
export * from './heap-growth';
export * from './trust-proxy';
export * from './destination-policy';
export * from './destination-policy.module';
export * from './connection-probe';
