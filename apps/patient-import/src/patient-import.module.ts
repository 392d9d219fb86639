import { type DynamicModule, Module } from '@nestjs/common';
import type { DataServiceEnv } from '@bridge/config';
import { DatabaseModule, idempotencyKeysMigration } from '@bridge/database';
import { MessagingModule, messagingTablesMigration } from '@bridge/messaging';
import { CareFlowDefinition } from './care-flow-definitions/care-flow-definition.entity';
import { CareFlowDefinitionsModule } from './care-flow-definitions/care-flow-definitions.module';
import { CareFlowsModule } from './care-flows/care-flows.module';
import { Initial1764150000000 } from './migrations/1764150000000-initial';
import { PATIENT_IMPORT_SCHEMA } from './patient-import.schema';
import { PatientsModule } from './patients/patients.module';
import { HealthHandler } from './health/health.handler';

/** Patients, care-flow definitions and care flows; later also pull-import sessions. */
@Module({})
export class PatientImportModule {
  static forRoot(config: DataServiceEnv): DynamicModule {
    return {
      module: PatientImportModule,
      imports: [
        DatabaseModule.forService({
          schema: PATIENT_IMPORT_SCHEMA,
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          entities: [CareFlowDefinition],
          migrations: [
            Initial1764150000000,
            messagingTablesMigration(PATIENT_IMPORT_SCHEMA),
            idempotencyKeysMigration(PATIENT_IMPORT_SCHEMA),
          ],
        }),
        MessagingModule.forService({
          service: 'patient-import',
          schema: PATIENT_IMPORT_SCHEMA,
          amqpUrl: config.AMQP_URL,
          rpcTimeoutMs: config.RPC_TIMEOUT_MS,
          persistence: true,
        }),
        CareFlowDefinitionsModule,
        CareFlowsModule,
        PatientsModule,
      ],
      providers: [HealthHandler],
    };
  }
}
