import { type DynamicModule, Module } from '@nestjs/common';
import { AppointmentsModule } from './appointments/appointments.module';
import { DestinationPolicyModule } from '@bridge/config';
import {
  DatabaseModule,
  idempotencyKeysMigration,
  SecretBox,
  SecretBoxModule,
  sealSecretsMigration,
  JournalRetentionModule,
  connectionFromEnv,
} from '@bridge/database';
import { ScheduleModule } from '@nestjs/schedule';
import type { MigrationInterface } from 'typeorm';
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
import { IMPORT_JOURNAL } from './retention/import-journal';
import { CareFlowDefinition } from './care-flow-definitions/care-flow-definition.entity';
import { CareFlowDefinitionsModule } from './care-flow-definitions/care-flow-definitions.module';
import { CareFlowsModule } from './care-flows/care-flows.module';
import { ImportSourcesModule } from './import-sources/import-sources.module';
import { ImportsModule } from './imports/imports.module';
import { Initial1764150000000 } from './migrations/1764150000000-initial';
import { PullImport1764160000000 } from './migrations/1764160000000-pull-import';
import { Appointments1764190000000 } from './migrations/1764190000000-appointments';
import { PartitionMessages1796228252551 } from './migrations/1796228252551-partition-messages';
import { CareFlowDefinitionActive1796229270229 } from './migrations/1796229270229-care-flow-definition-active';
import { PatientEvents1796240000000 } from './migrations/1796240000000-patient-events';
import { PatientEventsAnnounced1796250000000 } from './migrations/1796250000000-patient-events-announced';
import { AppointmentMessageResults1796250000001 } from './migrations/1796250000001-appointment-message-results';
import { PatientEventsEventPosition1796250000002 } from './migrations/1796250000002-patient-events-event-position';
import { PatientEventsMoreEntries1796280000001 } from './migrations/1796280000001-patient-events-more-entries';
import { AppointmentsWithoutRows1796290000000 } from './migrations/1796290000000-appointments-without-rows';
import { SiuMessageRows1796290000001 } from './migrations/1796290000001-siu-message-rows';
import { SiuDuplicateKeys1796290000002 } from './migrations/1796290000002-siu-duplicate-keys';
import { PatientTraceModule } from './patient-trace/patient-trace.module';
import type { PatientImportEnv } from './patient-import.config';
import { PATIENT_IMPORT_SCHEMA } from './patient-import.schema';
import { PatientsModule } from './patients/patients.module';
import { WEB_SERVICE_SECRETS } from './webservice/webservice-connections.repository';
import { WebServiceModule } from './webservice/webservice.module';
import { SignalsModule } from './signals/signals.module';

/** patient-import's migrations, in order (also run by the medium tests of its repositories). */
export function patientImportMigrations(box: SecretBox): (new () => MigrationInterface)[] {
  return [
    Initial1764150000000,
    messagingTablesMigration(PATIENT_IMPORT_SCHEMA),
    idempotencyKeysMigration(PATIENT_IMPORT_SCHEMA),
    PullImport1764160000000,
    Appointments1764190000000,
    sealSecretsMigration('SealWebServiceSecrets1796217600000', box, WEB_SERVICE_SECRETS),
    PartitionMessages1796228252551,
    CareFlowDefinitionActive1796229270229,
    outboxTraceparentMigration(PATIENT_IMPORT_SCHEMA),
    PatientEvents1796240000000,
    PatientEventsAnnounced1796250000000,
    AppointmentMessageResults1796250000001,
    PatientEventsEventPosition1796250000002,
    outboxLogMigration(PATIENT_IMPORT_SCHEMA),
    outboxGroupedEventsMigration(PATIENT_IMPORT_SCHEMA),
    PatientEventsMoreEntries1796280000001,
    AppointmentsWithoutRows1796290000000,
    SiuMessageRows1796290000001,
    SiuDuplicateKeys1796290000002,
  ];
}

/** Patients, care-flow definitions and care flows, and pull import (web service, import source, sessions). */
@Module({})
export class PatientImportModule {
  static forRoot(config: PatientImportEnv): DynamicModule {
    const box = SecretBox.fromConfig(config);
    return {
      module: PatientImportModule,
      imports: [
        ObservabilityModule.forService('patient-import', config),
        DatabaseModule.forService({
          schema: PATIENT_IMPORT_SCHEMA,
          ...connectionFromEnv(config),
          entities: [CareFlowDefinition],
          migrations: patientImportMigrations(box),
        }),
        SecretBoxModule.forService(box),
        MessagingModule.forService({
          service: 'patient-import',
          schema: PATIENT_IMPORT_SCHEMA,
          amqpUrl: config.AMQP_URL,
          rpcTimeoutMs: config.RPC_TIMEOUT_MS,
          persistence: true,
        }),
        ScheduleModule.forRoot(),
        JournalRetentionModule.forJournal(
          { journal: IMPORT_JOURNAL, cron: config.RETENTION_CRON },
          busRetentionPolicy,
        ),
        DestinationPolicyModule.forService(config),
        CareFlowDefinitionsModule,
        CareFlowsModule,
        PatientsModule,
        WebServiceModule,
        ImportSourcesModule,
        ImportsModule.register({ sessionTtlSeconds: config.IMPORT_SESSION_TTL_SECONDS }),
        AppointmentsModule,
        SignalsModule,
        PatientTraceModule,
      ],
      controllers: [healthHandler('patient-import')],
    };
  }
}
