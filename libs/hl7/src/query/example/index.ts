export { deriveExampleQuery } from './example-query.deriver';
export { fillExampleQuery } from './example-query.filler';
export { ExampleQueryError } from './example-query.types';
export type {
  DerivedQueryTemplate,
  ExampleQueryLayout,
  ExampleQueryProblem,
  ExampleSlot,
  ExampleTimestampFormat,
} from './example-query.types';
