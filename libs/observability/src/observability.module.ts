import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ServiceMetrics } from './metrics';
import { startObservability, type ObservabilityConfig, type RunningObservability } from './observability';

const RUNNING = Symbol('RUNNING_OBSERVABILITY');

class ObservabilityLifecycle implements OnApplicationShutdown {
  constructor(@Inject(RUNNING) private readonly running: RunningObservability) {}

  async onApplicationShutdown(): Promise<void> {
    await this.running.close();
  }
}

/**
 * Imported once by each app's root module: starts the process's `/metrics` listener and tracer provider
 * as the config asks (shared with the other services of the process), closes them with the app, and lets
 * the service inject its `ServiceMetrics` to register its own series.
 */
@Module({})
export class ObservabilityModule {
  static forService(service: string, config: ObservabilityConfig): DynamicModule {
    return {
      module: ObservabilityModule,
      global: true,
      providers: [
        { provide: ServiceMetrics, useValue: new ServiceMetrics(service) },
        { provide: RUNNING, useFactory: () => startObservability(service, config) },
        ObservabilityLifecycle,
      ],
      exports: [ServiceMetrics],
    };
  }
}
