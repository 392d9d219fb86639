import { type DynamicModule, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { DestinationPolicy } from './destination-policy';

/** Provides the service's DestinationPolicy to every module (the clients that reach hospitals inject it). */
@Module({})
export class DestinationPolicyModule implements OnModuleInit {
  constructor(private readonly policy: DestinationPolicy) {}

  /** Said once the service's own logger is in place (at forService time only Nest's default logger exists). */
  onModuleInit(): void {
    if (this.policy.allowsLoopback) {
      new Logger('DestinationPolicy').log(
        'ALLOW_LOOPBACK_DESTINATIONS=true: hospital connections may reach loopback addresses',
      );
    }
  }

  static forService(config: {
    ALLOW_LOOPBACK_DESTINATIONS?: string;
    DATABASE_URL?: string;
    AMQP_URL?: string;
  }): DynamicModule {
    const policy = DestinationPolicy.fromConfig(config);
    return {
      module: DestinationPolicyModule,
      global: true,
      providers: [{ provide: DestinationPolicy, useValue: policy }],
      exports: [DestinationPolicy],
    };
  }
}
