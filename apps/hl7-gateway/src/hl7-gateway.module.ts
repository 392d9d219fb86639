import type { MigrationInterface } from 'typeorm';
import { type DynamicModule, Module } from '@nestjs/common';
import { DestinationPolicyModule, type Hl7GatewayEnv } from '@bridge/config';
import { ScheduleModule } from '@nestjs/schedule';
import {
  DatabaseModule,
  JournalRetentionModule,
  SecretBox,
  SecretBoxModule,
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
import { HL7_JOURNAL } from './retention/hl7-journal';
import { ConnectionsModule } from './connections/connections.module';
import { HL7_GATEWAY_SCHEMA } from './hl7-gateway.schema';
import { JournalModule } from './journal/journal.module';
import { ListenersModule } from './listeners/listeners.module';
import { SIU_LISTENER_OPTIONS } from './listeners/siu-listeners';
import { Initial1764160000000 } from './migrations/1764160000000-initial';
import { PartitionMessages1796228252550 } from './migrations/1796228252550-partition-messages';
import { SiuListeners1796228600000 } from './migrations/1796228600000-siu-listeners';
import { QueriesModule } from './queries/queries.module';
import { SelfTestModule } from './self-test/self-test.module';
import { SignalsModule } from './signals/signals.module';

export { HL7_GATEWAY_SCHEMA } from './hl7-gateway.schema';

/** hl7-gateway's migrations, in order (also run by the medium tests of its repositories). */
export function hl7GatewayMigrations(): (new () => MigrationInterface)[] {
  return [
    messagingTablesMigration(HL7_GATEWAY_SCHEMA),
    Initial1764160000000,
    PartitionMessages1796228252550,
    outboxTraceparentMigration(HL7_GATEWAY_SCHEMA),
    SiuListeners1796228600000,
    outboxLogMigration(HL7_GATEWAY_SCHEMA),
    outboxGroupedEventsMigration(HL7_GATEWAY_SCHEMA),
  ];
}

/** Everything MLLP: outbound QRY^A19 / QBP^Q22, the inbound listener, ACKs, the HL7 journal (issues 3, 4). */
@Module({})
export class Hl7GatewayModule {
  static forRoot(config: Hl7GatewayEnv): DynamicModule {
    return {
      module: Hl7GatewayModule,
      global: true,
      imports: [
        ObservabilityModule.forService('hl7-gateway', config),
        DatabaseModule.forService({
          schema: HL7_GATEWAY_SCHEMA,
          ...connectionFromEnv(config),
          entities: [],
          migrations: hl7GatewayMigrations(),
        }),
        SecretBoxModule.forService(SecretBox.fromConfig(config)),
        MessagingModule.forService({
          service: 'hl7-gateway',
          schema: HL7_GATEWAY_SCHEMA,
          amqpUrl: config.AMQP_URL,
          rpcTimeoutMs: config.RPC_TIMEOUT_MS,
          persistence: true,
        }),
        ScheduleModule.forRoot(),
        JournalRetentionModule.forJournal(
          { journal: HL7_JOURNAL, cron: config.RETENTION_CRON },
          busRetentionPolicy,
        ),
        DestinationPolicyModule.forService(config),
        ConnectionsModule,
        JournalModule,
        QueriesModule,
        SelfTestModule,
        ListenersModule,
        SignalsModule,
      ],
      controllers: [healthHandler('hl7-gateway')],
      providers: [
        {
          provide: SIU_LISTENER_OPTIONS,
          useValue: { host: config.SIU_LISTENER_HOST, refreshMs: config.SIU_LISTENER_REFRESH_MS },
        },
      ],
      exports: [SIU_LISTENER_OPTIONS],
    };
  }
}
