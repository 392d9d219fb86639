export * from './test-database';
export * from './expect-eventually';
