import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  DomainError,
  type ScimTokenCheckV1,
  type ScimTokenCreatedV1,
  type ScimTokenViewV1,
} from '@bridge/contracts';
import { randomBytes, randomUUID } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import { hashSecret } from '../api-clients/client-secrets';
import { HospitalsService } from '../hospitals/hospitals.service';
import { ScimToken } from './scim-token.entity';

/** Recognisable by its prefix, so the gateway knows it is not a JWT (and secret scanners find it). */
export const SCIM_TOKEN_PREFIX = 'cbscim_';

/**
 * SCIM tokens: valid until revoked, stored hashed, shown once. Revoked tokens are refused by every
 * gateway within CREDENTIAL_CHECK_INTERVAL_MS (the gateway caches `auth.scim-token.check.v1`).
 */
@Injectable()
export class ScimTokensService {
  constructor(
    @InjectRepository(ScimToken) private readonly tokens: Repository<ScimToken>,
    private readonly hospitals: HospitalsService,
  ) {}

  async create(hospitalId: string, name?: string): Promise<ScimTokenCreatedV1> {
    await this.hospitals.get(hospitalId);
    const token = `${SCIM_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const saved = await this.tokens.save(
      this.tokens.create({ id: randomUUID(), hospitalId, name: name ?? null, tokenHash: hashSecret(token) }),
    );
    return { ...toView(saved), token };
  }

  async list(hospitalId: string): Promise<ScimTokenViewV1[]> {
    await this.hospitals.get(hospitalId);
    const tokens = await this.tokens.find({ where: { hospitalId }, order: { createdAt: 'ASC' } });
    return tokens.map(toView);
  }

  /** Another hospital's token is as unknown as one that never existed; revoking twice is harmless. */
  async revoke(hospitalId: string, tokenId: string): Promise<void> {
    const token = await this.tokens.findOneBy({ hospitalId, id: tokenId });
    if (!token) throw new DomainError('NOT_FOUND', 'No such SCIM token at this hospital.');
    if (!token.revokedAt) await this.tokens.update({ id: token.id }, { revokedAt: new Date() });
  }

  async check(token: string): Promise<ScimTokenCheckV1> {
    if (!token.startsWith(SCIM_TOKEN_PREFIX)) return { hospitalId: null, tokenId: null };
    const found = await this.tokens.findOneBy({ tokenHash: hashSecret(token), revokedAt: IsNull() });
    return found ? { hospitalId: found.hospitalId, tokenId: found.id } : { hospitalId: null, tokenId: null };
  }
}

function toView(token: ScimToken): ScimTokenViewV1 {
  return {
    id: token.id,
    hospitalId: token.hospitalId,
    name: token.name,
    createdAt: token.createdAt.toISOString(),
    revokedAt: token.revokedAt?.toISOString() ?? null,
  };
}
