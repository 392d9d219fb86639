export { expectEventually } from '../expect-eventually';
export * from './rabbitmq-launcher';
