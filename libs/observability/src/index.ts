export * from './metrics';
export * from './metrics-server';
export * from './tracing';
export * from './hospital-exchanges';
export * from './observability';
export * from './observability.module';
