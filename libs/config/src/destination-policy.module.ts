import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { DestinationPolicy } from './destination-policy';

/** Provides the service's DestinationPolicy to every module (the clients that reach hospitals inject it). */
@Module({})
export class DestinationPolicyModule {
  static forService(config: {
    ALLOW_LOOPBACK_DESTINATIONS?: string;
    DATABASE_URL?: string;
    AMQP_URL?: string;
  }): DynamicModule {
    const policy = DestinationPolicy.fromConfig(config);
    if (policy.allowsLoopback) {
      new Logger('DestinationPolicy').log(
        'ALLOW_LOOPBACK_DESTINATIONS=true: hospital connections may reach loopback addresses',
      );
    }
    return {
      module: DestinationPolicyModule,
      global: true,
      providers: [{ provide: DestinationPolicy, useValue: policy }],
      exports: [DestinationPolicy],
    };
  }
}
