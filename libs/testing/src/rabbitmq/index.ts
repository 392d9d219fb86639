export * from './eventually';
export * from './rabbitmq-launcher';
