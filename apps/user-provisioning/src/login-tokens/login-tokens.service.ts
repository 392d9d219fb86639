import { Inject, Injectable } from '@nestjs/common';
import { DomainError, type ActorV1, type LoginTokenInputV1, type LoginTokenV1 } from '@bridge/contracts';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { currentCorrelationId } from '@bridge/logging';
import { Outbox } from '@bridge/messaging';
import { AuditEventsRepository } from '../audit/audit-events.repository';
import { AuditLog } from '../audit/audit-log';
import { USER_PROVISIONING_CONFIG, type UserProvisioningConfig } from '../user-provisioning.config';
import type { User } from '../users/user.entity';
import { UsersWriter } from '../users/users.writer';
import { hashLoginToken, newLoginToken } from './login-token-secret';
import { LoginTokensRepository } from './login-tokens.repository';

/**
 * POST /v1/users/login-token: the EMR signs a user into the Care app. The user is upserted just in time
 * (the EMR's names and roles win at sign-in), then a single-use, minutes-long token is bound to the user,
 * its current session version and the optional patient.
 */
@Injectable()
export class LoginTokensService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: LoginTokensRepository,
    private readonly writer: UsersWriter,
    private readonly audit: AuditLog,
    private readonly auditEvents: AuditEventsRepository,
    private readonly outbox: Outbox,
    @Inject(USER_PROVISIONING_CONFIG) private readonly config: UserProvisioningConfig,
  ) {}

  async issue(hospitalId: string, actor: ActorV1, login: LoginTokenInputV1): Promise<LoginTokenV1> {
    return this.dataSource.transaction(async (manager) => {
      const user = await this.upsertUser(manager, hospitalId, actor, login);
      const token = newLoginToken();
      await this.tokens.purgeExpired(manager, hospitalId);
      const { expiresAt, issuedAt } = await this.tokens.insert(manager, {
        id: randomUUID(),
        hospitalId,
        userId: user.id,
        tokenHash: hashLoginToken(token),
        sessionVersion: user.sessionVersion,
        patientCode: login.patientCode ?? null,
        ttlSeconds: this.config.LOGIN_TOKEN_TTL_SECONDS,
      });
      await this.audit.record(manager, hospitalId, {
        action: 'login-token.issued',
        channel: 'rest',
        actor,
        userId: user.id,
        fields: login.patientCode ? ['patientCode'] : [],
      });
      // On the hospital's trail too: a login link is a credential. Recorded here, not by @Audited, because
      // the answer ({token, url, expiresAt}) does not name the user.
      await this.auditEvents.append(
        [
          {
            hospitalId,
            actor: { kind: actor.kind, id: actor.subject },
            action: 'login-token.issued',
            resource: { type: 'user', id: user.id },
            correlationId: currentCorrelationId() ?? randomUUID(),
            at: new Date().toISOString(),
          },
        ],
        manager,
      );
      // The patient's trace shows the link (patient-import owns patients, and knows them by this code).
      if (login.patientCode)
        await this.outbox.add(manager, 'users.login-link.issued.v1', {
          hospitalId,
          userId: user.id,
          patientCode: login.patientCode,
          // The token's own time: the sign-in's event names it again (issuedAt), so the trace can match them.
          at: issuedAt.toISOString(),
        });
      // In the fragment: browsers never send it to a server, so the token stays out of access logs and Referer.
      const url = `${this.config.CARE_APP_URL.replace(/\/+$/, '')}/login#token=${encodeURIComponent(token)}`;
      return { token, url, expiresAt: expiresAt.toISOString() };
    });
  }

  /** A deactivated user stays deactivated: the EMR cannot undo what the hospital's IdP or admins decided. */
  private async upsertUser(
    manager: EntityManager,
    hospitalId: string,
    actor: ActorV1,
    login: LoginTokenInputV1,
  ): Promise<User> {
    const provenance = { actor, channel: 'rest' as const };
    const existing = await this.writer.match(manager, hospitalId, login);
    if (!existing) {
      const { user } = await this.writer.create(
        manager,
        hospitalId,
        {
          email: login.email,
          firstName: login.firstName,
          lastName: login.lastName,
          roles: login.roles ?? ['clinician'],
          hospitalUserId: login.hospitalUserId ?? null,
          physicianCode: null,
          active: true,
        },
        provenance,
      );
      return activeOrRefuse(user);
    }
    activeOrRefuse(existing);
    return this.writer.change(
      manager,
      existing,
      {
        email: login.email,
        firstName: login.firstName,
        lastName: login.lastName,
        ...(login.roles ? { roles: login.roles } : {}),
        ...(login.hospitalUserId ? { hospitalUserId: login.hospitalUserId } : {}),
      },
      provenance,
    );
  }
}

function activeOrRefuse(user: User): User {
  if (!user.active)
    throw new DomainError('USER_INACTIVE', 'This user is deactivated; reactivate it before signing it in.');
  return user;
}
