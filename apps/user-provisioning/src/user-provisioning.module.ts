import { type DynamicModule, Module } from '@nestjs/common';
import { DatabaseModule, connectionFromEnv } from '@bridge/database';
import {
  healthHandler,
  MessagingModule,
  messagingTablesMigration,
  outboxTraceparentMigration,
  outboxGroupedEventsMigration,
  outboxLogMigration,
} from '@bridge/messaging';
import { ObservabilityModule } from '@bridge/observability';
import { ApiClient } from './api-clients/api-client.entity';
import { ApiClientsModule } from './api-clients/api-clients.module';
import { ScimToken } from './scim-tokens/scim-token.entity';
import { AuthModule } from './auth/auth.module';
import { ScimTokensModule } from './scim-tokens/scim-tokens.module';
import { SigningKeysModule } from './signing-keys/signing-keys.module';
import { Hospital } from './hospitals/hospital.entity';
import { HospitalsModule } from './hospitals/hospitals.module';
import { LoginTokensModule } from './login-tokens/login-tokens.module';
import { Initial1764140000000 } from './migrations/1764140000000-initial';
import { Provisioning1764170000000 } from './migrations/1764170000000-provisioning';
import { AuditEvents1796217573771 } from './migrations/1796217573771-audit-events';
import { ScimIdentitiesAndGroups1796217716640 } from './migrations/1796217716640-scim-identities-and-groups';
import { Credentials1796217600000 } from './migrations/1796217600000-credentials';
import { ScimModule } from './scim/scim.module';
import { SessionsModule } from './sessions/sessions.module';
import { USER_PROVISIONING_CONFIG, type UserProvisioningConfig } from './user-provisioning.config';
import { User } from './users/user.entity';
import { UsersModule } from './users/users.module';
import { HospitalRetention1796228252553 } from './migrations/1796228252553-hospital-retention';
import { HospitalTimezone1796260000000 } from './migrations/1796260000000-hospital-timezone';
import { UserPreferredLanguage1796260000001 } from './migrations/1796260000001-user-preferred-language';
import { RetentionModule } from './retention/retention.module';

export const USER_PROVISIONING_SCHEMA = 'user_provisioning';

/** Hospitals (tenants), API clients, clinical users, login tokens and sessions, SCIM. */
@Module({})
export class UserProvisioningModule {
  static forRoot(config: UserProvisioningConfig): DynamicModule {
    return {
      module: UserProvisioningModule,
      global: true,
      imports: [
        ObservabilityModule.forService('user-provisioning', config),
        DatabaseModule.forService({
          schema: USER_PROVISIONING_SCHEMA,
          ...connectionFromEnv(config),
          entities: [Hospital, ApiClient, User, ScimToken],
          migrations: [
            Initial1764140000000,
            messagingTablesMigration(USER_PROVISIONING_SCHEMA),
            Provisioning1764170000000,
            AuditEvents1796217573771,
            ScimIdentitiesAndGroups1796217716640,
            Credentials1796217600000,
            HospitalRetention1796228252553,
            HospitalTimezone1796260000000,
            UserPreferredLanguage1796260000001,
            outboxTraceparentMigration(USER_PROVISIONING_SCHEMA),
            outboxLogMigration(USER_PROVISIONING_SCHEMA),
            outboxGroupedEventsMigration(USER_PROVISIONING_SCHEMA),
          ],
        }),
        MessagingModule.forService({
          service: 'user-provisioning',
          schema: USER_PROVISIONING_SCHEMA,
          amqpUrl: config.AMQP_URL,
          rpcTimeoutMs: config.RPC_TIMEOUT_MS,
          persistence: true,
        }),
        HospitalsModule,
        ApiClientsModule,
        UsersModule,
        SigningKeysModule,
        AuthModule,
        ScimTokensModule,
        LoginTokensModule,
        SessionsModule,
        ScimModule,
        RetentionModule,
      ],
      controllers: [healthHandler('user-provisioning')],
      providers: [{ provide: USER_PROVISIONING_CONFIG, useValue: config }],
      exports: [USER_PROVISIONING_CONFIG],
    };
  }
}
