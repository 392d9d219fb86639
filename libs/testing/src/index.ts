export * from './test-database';
export * from './expect-eventually';
export * from './child-processes';
export * from './work-cost';
