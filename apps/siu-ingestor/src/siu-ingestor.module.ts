import { type DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import type { MigrationInterface } from 'typeorm';
import { DestinationPolicyModule } from '@bridge/config';
import {
  DatabaseModule,
  JournalRetentionModule,
  SecretBox,
  SecretBoxModule,
  sealSecretsMigration,
  connectionFromEnv,
} from '@bridge/database';
import {
  busRetentionPolicy,
  healthHandler,
  MessagingModule,
  messagingTablesMigration,
  outboxTraceparentMigration,
  outboxGroupedEventsMigration,
  outboxLogMigration,
} from '@bridge/messaging';
import { ObservabilityModule } from '@bridge/observability';
import { SIU_JOURNAL } from './retention/siu-journal';
import { ConnectionsModule } from './connections/connections.module';
import { SIU_SECRETS } from './connections/siu-connections.repository';
import { MessagesModule } from './messages/messages.module';
import { Siu1764190000000 } from './migrations/1764190000000-siu';
import { SiuRunCounts1764200000000 } from './migrations/1764200000000-siu-run-counts';
import { ScrubRunSecrets1796217600000 } from './migrations/1796217600000-scrub-run-secrets';
import { PartitionMessages1796228252552 } from './migrations/1796228252552-partition-messages';
import { ReprocessJobs1796228252554 } from './migrations/1796228252554-reprocess-jobs';
import { ReprocessJobsModule } from './reprocess-jobs/reprocess-jobs.module';
import { announceSiuListenersMigration } from './migrations/1796228500000-announce-siu-listeners';
import { MessageOutcomes1796250000000 } from './migrations/1796250000000-message-outcomes';
import { ProcessingModule } from './processing/processing.module';
import { SIU_CONSUMER } from './processing/siu-message.handler';
import { RunsModule } from './runs/runs.module';
import { SchedulesModule } from './schedules/schedules.module';
import { SignalsModule } from './signals/signals.module';
import { PlatformPorts } from './connections/platform-ports';
import { SelfTestModule } from './self-test/self-test.module';
import { DirectoryBounds } from './sources/directory-bounds';
import type { SiuIngestorEnv } from './siu-ingestor.config';
import { SIU_OPTIONS, type SiuOptions } from './siu.options';

export const SIU_INGESTOR_SCHEMA = 'siu_ingestor';

/** siu-ingestor's migrations, in order (also run by the medium tests of its repositories). */
export function siuIngestorMigrations(box: SecretBox): (new () => MigrationInterface)[] {
  return [
    messagingTablesMigration(SIU_INGESTOR_SCHEMA),
    Siu1764190000000,
    SiuRunCounts1764200000000,
    sealSecretsMigration('SealSiuSecrets1796217600000', box, SIU_SECRETS),
    ScrubRunSecrets1796217600000,
    PartitionMessages1796228252552,
    ReprocessJobs1796228252554,
    outboxTraceparentMigration(SIU_INGESTOR_SCHEMA),
    announceSiuListenersMigration(box),
    MessageOutcomes1796250000000,
    outboxLogMigration(SIU_INGESTOR_SCHEMA),
    outboxGroupedEventsMigration(SIU_INGESTOR_SCHEMA),
  ];
}

/** SIU sources, schedules, file and message state, processing into care flows, run reports (issue 4). */
@Module({})
export class SiuIngestorModule {
  static forRoot(config: SiuIngestorEnv): DynamicModule {
    const options: SiuOptions = {
      superviseIntervalMs: config.SIU_SUPERVISE_INTERVAL_MS,
      staleMs: config.SIU_RUN_STALE_MS,
      stallMs: config.SIU_RUN_STALL_MS,
      applyBatch: config.SIU_APPLY_BATCH,
      schedules: config.SIU_SCHEDULES === 'on',
      maxAttempts: SIU_CONSUMER.maxAttempts,
    };
    const box = SecretBox.fromConfig(config);
    return {
      module: SiuIngestorModule,
      imports: [
        ObservabilityModule.forService('siu-ingestor', config),
        DatabaseModule.forService({
          schema: SIU_INGESTOR_SCHEMA,
          ...connectionFromEnv(config),
          entities: [],
          migrations: siuIngestorMigrations(box),
        }),
        SecretBoxModule.forService(box),
        MessagingModule.forService({
          service: 'siu-ingestor',
          schema: SIU_INGESTOR_SCHEMA,
          amqpUrl: config.AMQP_URL,
          rpcTimeoutMs: config.RPC_TIMEOUT_MS,
          persistence: true,
        }),
        ScheduleModule.forRoot(),
        JournalRetentionModule.forJournal(
          { journal: SIU_JOURNAL, cron: config.RETENTION_CRON },
          busRetentionPolicy,
        ),
        {
          module: SiuOptionsModule,
          global: true,
          providers: [
            { provide: SIU_OPTIONS, useValue: options },
            { provide: DirectoryBounds, useValue: DirectoryBounds.fromConfig(config) },
            { provide: PlatformPorts, useValue: PlatformPorts.fromConfig(config) },
          ],
          exports: [SIU_OPTIONS, DirectoryBounds, PlatformPorts],
        },
        DestinationPolicyModule.forService(config),
        ConnectionsModule,
        MessagesModule,
        RunsModule,
        ProcessingModule,
        SchedulesModule,
        SignalsModule,
        ReprocessJobsModule,
        SelfTestModule,
      ],
      controllers: [healthHandler('siu-ingestor')],
    };
  }
}

/** Holds SIU_OPTIONS for every feature module of siu-ingestor. */
@Module({})
class SiuOptionsModule {}
