import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { CLIENT_CHECK, JWT_SETTINGS, JwtStrategy, SESSION_CHECK, VerificationKeys } from '@bridge/auth';
import type { GatewayEnv } from '@bridge/config';
import { Bus, MessagingModule } from '@bridge/messaging';
import { ObservabilityModule } from '@bridge/observability';
import { ApiClientsController } from './credentials/api-clients.controller';
import { BusPublicKeySource } from './credentials/bus-public-keys';
import { CachedClientCheck } from './credentials/client-check';
import { GATEWAY_CONFIG } from './credentials/gateway-config';
import { ScimAuthGuard } from './credentials/scim-auth.guard';
import { ScimTokensController } from './credentials/scim-tokens.controller';
import { JwksController, SigningKeysController } from './credentials/signing-keys.controller';
import { AdminController } from './admin/admin.controller';
import { AlertsController } from './alerts/alerts.controller';
import { AdminHospitalListsController } from './admin/admin-hospital-lists.controller';
import { RetentionController } from './admin/retention.controller';
import { ReprocessJobsController } from './messages/reprocess-jobs.controller';
import { AuditEventsController } from './audit/audit-events.controller';
import { CareFlowsController } from './care-flows/care-flows.controller';
import { CONFIG_SECTIONS, type ConfigSection } from './config/config-section';
import { CONFIG_SECTION_CLASSES } from './config/config-sections';
import { HospitalConfigController } from './config/hospital-config.controller';
import { HospitalConfigService } from './config/hospital-config.service';
import { ConnectionTestController } from './connections/connection-test.controller';
import { Hl7ConnectionController } from './connections/hl7-connection.controller';
import { ImportSourceController } from './connections/import-source.controller';
import { WebServiceConnectionController } from './connections/webservice-connection.controller';
import { FailedAttemptsService } from './failed-attempts/failed-attempts.service';
import { HealthController } from './health/health.controller';
import { OwnHospitalController } from './hospital/own-hospital.controller';
import { ImportsController } from './imports/imports.controller';
import { PayloadPipe } from './http/payload.pipe';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { MessagesController } from './messages/messages.controller';
import { MessageReprocessController } from './siu/message-reprocess.controller';
import { SiuConnectionController } from './siu/siu-connection.controller';
import { SiuRunsController } from './siu/siu-runs.controller';
import { OAuthController } from './oauth/oauth.controller';
import { PatientsController } from './patients/patients.controller';
import { ScimController } from './scim/scim.controller';
import { ScimGroupsController } from './scim/scim-groups.controller';
import { ScimGroupRolesController } from './admin/scim-group-roles.controller';
import { BusSessionCheck } from './sessions/session-check';
import { SessionsController } from './sessions/sessions.controller';
import { UsersController } from './users/users.controller';
import { HospitalWebhooksController } from './webhooks/hospital-webhooks.controller';
import { WebhooksController } from './webhooks/webhooks.controller';

/** The HTTP edge: verifies tokens, validates bodies, asks the services over the bus, speaks problem+json. */
@Module({})
export class GatewayModule {
  static forRoot(config: GatewayEnv): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ObservabilityModule.forService('gateway', config),
        PassportModule,
        MessagingModule.forService({
          service: 'gateway',
          schema: 'gateway',
          amqpUrl: config.AMQP_URL,
          rpcTimeoutMs: config.RPC_TIMEOUT_MS,
          persistence: false,
        }),
      ],
      controllers: [
        OAuthController,
        AdminController,
        AlertsController,
        AdminHospitalListsController,
        RetentionController,
        ReprocessJobsController,
        AuditEventsController,
        PatientsController,
        OwnHospitalController,
        CareFlowsController,
        HealthController,
        Hl7ConnectionController,
        WebServiceConnectionController,
        ImportSourceController,
        ConnectionTestController,
        ImportsController,
        MessagesController,
        SiuConnectionController,
        SiuRunsController,
        MessageReprocessController,
        UsersController,
        SessionsController,
        ScimController,
        ScimGroupsController,
        ScimGroupRolesController,
        HospitalConfigController,
        ApiClientsController,
        ScimTokensController,
        JwksController,
        SigningKeysController,
        WebhooksController,
        HospitalWebhooksController,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: JWT_SETTINGS, useValue: { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE } },
        {
          provide: VerificationKeys,
          inject: [Bus],
          useFactory: (bus: Bus) =>
            new VerificationKeys(new BusPublicKeySource(bus), {
              refreshMs: config.SIGNING_KEYS_REFRESH_MS,
              minReloadMs: 1000,
            }),
        },
        JwtStrategy,
        FailedAttemptsService,
        { provide: SESSION_CHECK, useClass: BusSessionCheck },
        { provide: CLIENT_CHECK, useClass: CachedClientCheck },
        ScimAuthGuard,
        ...CONFIG_SECTION_CLASSES,
        {
          provide: CONFIG_SECTIONS,
          inject: CONFIG_SECTION_CLASSES,
          useFactory: (...sections: ConfigSection[]) => sections,
        },
        HospitalConfigService,
        { provide: APP_PIPE, useClass: PayloadPipe },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
    };
  }
}
