import { Inject, Injectable, Logger } from '@nestjs/common';
import { signAccessToken } from '@bridge/auth';
import {
  DomainError,
  isDomainError,
  type EndSessionRequestV1,
  type PasswordLoginRequestV1,
  type SessionV1,
} from '@bridge/contracts';
import { Bus, Outbox } from '@bridge/messaging';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditLog } from '../audit/audit-log';
import { hashLoginToken } from '../login-tokens/login-token-secret';
import { LoginTokensRepository } from '../login-tokens/login-tokens.repository';
import { USER_PROVISIONING_CONFIG, type UserProvisioningConfig } from '../user-provisioning.config';
import { PasswordHasher } from '../users/password-hasher';
import type { User } from '../users/user.entity';
import { toUserView } from '../users/user-view';
import { UsersRepository } from '../users/users.repository';
import { SigningKeysService } from '../signing-keys/signing-keys.service';
import { RevokedSessions } from './revoked-sessions';
import { scopesForRoles } from './session-scopes';

const PATIENT_LOOKUP_TIMEOUT_MS = 2000;

/**
 * Care app sessions: a JWT like the API's access tokens, but `kind: 'user'`, the user's hospital, the
 * scopes of its roles and its session version. Two ways in: e-mail + password, or a login token.
 * Failed attempts are limited at the gateway per credential and source address (FailedAttemptsService);
 * a per-account count here let anyone lock a user out with wrong passwords or replayed links.
 */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger('Sessions');
  /** Verified when no account matches, so a wrong e-mail costs the same time as a wrong password. */
  private readonly decoyHash: Promise<string>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly loginTokens: LoginTokensRepository,
    private readonly audit: AuditLog,
    private readonly bus: Bus,
    private readonly outbox: Outbox,
    private readonly revokedSessions: RevokedSessions,
    private readonly signingKeys: SigningKeysService,
    @Inject(USER_PROVISIONING_CONFIG) private readonly config: UserProvisioningConfig,
    private readonly passwords: PasswordHasher,
  ) {
    this.decoyHash = passwords.hash('decoy password, never a real one');
  }

  /**
   * E-mail addresses are unique per hospital, not globally. Without `hospital`, every hospital's account
   * with this e-mail is tried; if the password opens more than one, the caller must say which hospital.
   * Saying so reveals nothing to someone who does not already hold the password.
   */
  async login(request: PasswordLoginRequestV1): Promise<SessionV1> {
    const account = request.email.trim().toLowerCase();
    const candidates = await this.users.findSignInCandidates(
      this.dataSource.manager,
      account,
      request.hospital,
    );
    const opened: (User & { hospitalKey: string })[] = [];
    for (const candidate of candidates) {
      if ((await this.passwords.verify(request.password, candidate.passwordHash!)) && candidate.active)
        opened.push(candidate);
    }
    if (candidates.length === 0) await this.passwords.verify(request.password, await this.decoyHash);
    if (opened.length === 0) {
      throw new DomainError('INVALID_CREDENTIALS', 'Unknown e-mail or wrong password.');
    }
    if (opened.length > 1) {
      const keys = opened.map((user) => user.hospitalKey).join(', ');
      throw new DomainError(
        'HOSPITAL_REQUIRED',
        'This e-mail has accounts in several hospitals: send `hospital`.',
        {
          errors: [{ field: 'hospital', message: `hospital is required: one of ${keys}` }],
        },
      );
    }
    const user = opened[0];
    if (this.passwords.needsRehash(user.passwordHash!)) await this.rehash(user, request.password);
    await this.audit.record(this.dataSource.manager, user.hospitalId, {
      action: 'session.started',
      channel: 'password',
      actor: { kind: 'user', subject: user.id },
      userId: user.id,
    });
    return this.sessionFor(user);
  }

  /**
   * A hash made at an older, cheaper cost is replaced while the right password is at hand. Only if it is
   * still the hash that was verified: a password changed meanwhile is never overwritten.
   */
  private async rehash(user: User, password: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE user_provisioning.users SET password_hash = $1
        WHERE hospital_id = $2 AND id = $3 AND password_hash = $4`,
      [await this.passwords.hash(password), user.hospitalId, user.id, user.passwordHash],
    );
  }

  /**
   * Redeems a login token once. Reuse, expiry, a deactivated user and a token issued before the user's
   * sessions were revoked are all the same refusal, so the answer teaches a holder of a stolen link nothing.
   */
  async exchange(token: string): Promise<SessionV1> {
    const tokenHash = hashLoginToken(token);
    const { user, patientCode } = await this.dataSource.transaction(async (manager) => {
      const consumed = await this.loginTokens.consume(manager, tokenHash);
      const user = consumed && (await this.users.findById(manager, consumed.hospitalId, consumed.userId));
      if (!consumed || !user?.active || user.sessionVersion !== consumed.sessionVersion) {
        throw invalidToken();
      }
      await this.audit.record(manager, user.hospitalId, {
        action: 'session.started',
        channel: 'login-token',
        actor: { kind: 'user', subject: user.id },
        userId: user.id,
      });
      // The patient's trace shows the sign-in onto it (the patient may have been pushed after the link was made).
      if (consumed.patientCode)
        await this.outbox.add(manager, 'users.login-link.used.v1', {
          hospitalId: user.hospitalId,
          userId: user.id,
          patientCode: consumed.patientCode,
          at: new Date().toISOString(),
          issuedAt: consumed.issuedAt.toISOString(),
        });
      return { user, patientCode: consumed.patientCode ?? undefined };
    });
    // After commit: the token is spent whether or not the patient can be found.
    const patientId = patientCode ? await this.patientIdOf(user.hospitalId, patientCode) : undefined;
    return this.sessionFor(user, { patientCode, patientId });
  }

  /**
   * The Care app opens the patient by id. Looked up at sign-in, not when the link was made, because the
   * EMR often pushes the patient right after asking for the link. Unknown or unreachable: no id, the
   * Care app still gets the patientCode and can offer an import.
   */
  private async patientIdOf(hospitalId: string, patientCode: string): Promise<string | undefined> {
    try {
      const found = await this.bus.request(
        'patients.search.v1',
        { hospitalId, criteria: { patientCode } },
        { timeoutMs: PATIENT_LOOKUP_TIMEOUT_MS },
      );
      return found.total === 1 ? found.patients[0].id : undefined;
    } catch (error) {
      this.logger.warn({
        msg: 'patient lookup for a login token failed',
        code: isDomainError(error) ? error.code : 'error',
      });
      return undefined;
    }
  }

  /** Asked by the gateway for every request with a user session: two indexed primary-key lookups. */
  async isCurrent(
    hospitalId: string,
    userId: string,
    sessionVersion: number,
    sessionId?: string,
  ): Promise<boolean> {
    const manager = this.dataSource.manager;
    if (sessionId && (await this.revokedSessions.isRevoked(manager, sessionId))) return false;
    return this.users.isSessionCurrent(manager, hospitalId, userId, sessionVersion);
  }

  /**
   * Logout: this session is refused from now on. A token without a session id (signed before sessions had
   * one) can only be ended with every session of its user, by bumping the session version.
   */
  async end(request: EndSessionRequestV1): Promise<void> {
    const expiresAt = new Date(request.expiresAtSeconds * 1000);
    if (request.sessionId) {
      await this.revokedSessions.revoke(
        this.dataSource.manager,
        request.sessionId,
        request.userId,
        expiresAt,
      );
      return;
    }
    await this.dataSource.query(
      `UPDATE user_provisioning.users SET session_version = session_version + 1
        WHERE hospital_id = $1 AND id = $2`,
      [request.hospitalId, request.userId],
    );
  }

  private async sessionFor(
    user: User,
    patient: { patientCode?: string; patientId?: string } = {},
  ): Promise<SessionV1> {
    const scopes = scopesForRoles(user.roles);
    const ttlSeconds = this.config.SESSION_TTL_SECONDS;
    const issuedAt = Math.floor(Date.now() / 1000);
    const sessionToken = signAccessToken(
      {
        kind: 'user',
        subject: user.id,
        hospitalId: user.hospitalId,
        scopes,
        sessionVersion: user.sessionVersion,
        sessionId: randomUUID(),
      },
      {
        key: await this.signingKeys.signingKey(),
        issuer: this.config.JWT_ISSUER,
        audience: this.config.JWT_AUDIENCE,
        ttlSeconds,
      },
    );
    return {
      sessionToken,
      tokenType: 'Bearer',
      expiresIn: ttlSeconds,
      expiresAt: new Date((issuedAt + ttlSeconds) * 1000).toISOString(),
      scopes,
      user: toUserView(user),
      ...(patient.patientCode ? { patientCode: patient.patientCode } : {}),
      ...(patient.patientId ? { patientId: patient.patientId } : {}),
    };
  }
}

function invalidToken(): DomainError {
  return new DomainError('LOGIN_TOKEN_INVALID', 'This sign-in link is invalid, expired or already used.');
}
