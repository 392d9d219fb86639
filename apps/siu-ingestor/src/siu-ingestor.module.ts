import { type DynamicModule, Module } from '@nestjs/common';
import type { DataServiceEnv } from '@bridge/config';
import { DatabaseModule } from '@bridge/database';
import { MessagingModule, messagingTablesMigration } from '@bridge/messaging';
import { HealthHandler } from './health/health.handler';

export const SIU_INGESTOR_SCHEMA = 'siu_ingestor';

/** SIU sources, schedules, file and message state, appointment care flows, run reports (issue 4). */
@Module({})
export class SiuIngestorModule {
  static forRoot(config: DataServiceEnv): DynamicModule {
    return {
      module: SiuIngestorModule,
      imports: [
        DatabaseModule.forService({
          schema: SIU_INGESTOR_SCHEMA,
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          entities: [],
          migrations: [messagingTablesMigration(SIU_INGESTOR_SCHEMA)],
        }),
        MessagingModule.forService({
          service: 'siu-ingestor',
          schema: SIU_INGESTOR_SCHEMA,
          amqpUrl: config.AMQP_URL,
          rpcTimeoutMs: config.RPC_TIMEOUT_MS,
          persistence: true,
        }),
      ],
      providers: [HealthHandler],
    };
  }
}
