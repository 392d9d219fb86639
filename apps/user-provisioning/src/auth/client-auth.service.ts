import { Inject, Injectable } from '@nestjs/common';
import { signAccessToken } from '@bridge/auth';
import { DomainError, SCOPES, type AccessTokenV1, type Principal } from '@bridge/contracts';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiClientsService } from '../api-clients/api-clients.service';
import { SigningKeysService } from '../signing-keys/signing-keys.service';
import { USER_PROVISIONING_CONFIG, type UserProvisioningConfig } from '../user-provisioning.config';

/**
 * OAuth 2.0 client credentials: checks the client and issues the access token the gateway verifies.
 * Failed attempts are limited at the gateway, per client and source address (FailedAttemptsService):
 * a per-client count here let anyone lock an EMR out by guessing its secret.
 */
@Injectable()
export class ClientAuthService {
  constructor(
    private readonly clients: ApiClientsService,
    private readonly signingKeys: SigningKeysService,
    @Inject(USER_PROVISIONING_CONFIG) private readonly config: UserProvisioningConfig,
  ) {}

  async authenticate(clientId: string, clientSecret: string): Promise<AccessTokenV1> {
    const principal = await this.check(clientId, clientSecret);
    if (!principal) {
      throw new DomainError('INVALID_CLIENT', 'Unknown client or wrong secret.');
    }
    const ttlSeconds = this.config.ACCESS_TOKEN_TTL_SECONDS;
    return {
      accessToken: signAccessToken(principal, {
        key: await this.signingKeys.signingKey(),
        issuer: this.config.JWT_ISSUER,
        audience: this.config.JWT_AUDIENCE,
        ttlSeconds,
      }),
      tokenType: 'Bearer',
      expiresIn: ttlSeconds,
      scope: principal.scopes.join(' '),
      scopes: principal.scopes,
    };
  }

  private async check(clientId: string, clientSecret: string): Promise<Principal | undefined> {
    if (clientId === this.config.ADMIN_CLIENT_ID) {
      if (!sameText(clientSecret, this.config.ADMIN_CLIENT_SECRET)) return undefined;
      return { kind: 'client', subject: clientId, hospitalId: null, scopes: [...SCOPES] };
    }
    const client = await this.clients.authenticate(clientId, clientSecret);
    if (!client) return undefined;
    return { kind: 'client', subject: client.clientId, hospitalId: client.hospitalId, scopes: client.scopes };
  }
}

function sameText(actual: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(actual), digest(expected));
}
