import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  DEFAULT_PREVIOUS_SECRET_VALID_SECONDS,
  DomainError,
  type ApiClientCreatedV1,
  type ApiClientInputV1,
  type ApiClientPatchV1,
  type ApiClientViewV1,
  type RotatedSecretV1,
} from '@bridge/contracts';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { HospitalsService } from '../hospitals/hospitals.service';
import { ApiClient } from './api-client.entity';
import { hashSecret, newClientId, newClientSecret, secretMatches } from './client-secrets';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class ApiClientsService {
  constructor(
    @InjectRepository(ApiClient) private readonly clients: Repository<ApiClient>,
    private readonly hospitals: HospitalsService,
  ) {}

  /** The secret is returned this once; only its hash is kept. */
  async create(hospitalId: string, input: ApiClientInputV1): Promise<ApiClientCreatedV1> {
    await this.hospitals.get(hospitalId);
    const clientSecret = newClientSecret();
    const client = await this.clients.save(
      this.clients.create({
        id: randomUUID(),
        hospitalId,
        name: input.name,
        clientId: newClientId(),
        secretHash: hashSecret(clientSecret),
        scopes: input.scopes,
      }),
    );
    return {
      id: client.id,
      hospitalId,
      name: client.name,
      clientId: client.clientId,
      clientSecret,
      scopes: client.scopes,
      createdAt: client.createdAt.toISOString(),
    };
  }

  /** Never secrets, nor their hashes. */
  async list(hospitalId: string): Promise<ApiClientViewV1[]> {
    await this.hospitals.get(hospitalId);
    const clients = await this.clients.find({ where: { hospitalId }, order: { createdAt: 'ASC' } });
    return clients.map(toView);
  }

  /**
   * A new secret; the current one keeps working for `previousSecretValidForSeconds` (default 24 h) so the
   * EMR can switch without an outage, `0` ends it at once. A second rotation within the window replaces
   * the previous secret: only the last two secrets ever work.
   */
  async rotateSecret(
    hospitalId: string,
    ref: string,
    previousSecretValidForSeconds = DEFAULT_PREVIOUS_SECRET_VALID_SECONDS,
  ): Promise<RotatedSecretV1> {
    const client = await this.find(hospitalId, ref);
    if (!client.active) throw notFound();
    const clientSecret = newClientSecret();
    const now = new Date();
    const validUntil = new Date(now.getTime() + previousSecretValidForSeconds * 1000);
    await this.clients.update(
      { id: client.id },
      {
        secretHash: hashSecret(clientSecret),
        previousSecretHash: previousSecretValidForSeconds > 0 ? client.secretHash : null,
        previousSecretValidUntil: previousSecretValidForSeconds > 0 ? validUntil : null,
        secretRotatedAt: now,
      },
    );
    return { clientSecret, previousSecretValidUntil: validUntil.toISOString() };
  }

  /**
   * Its secrets stop working at once; tokens already issued to it are refused by every gateway within
   * CREDENTIAL_CHECK_INTERVAL_MS (they ask `auth.client.status.v1`). Deactivating twice is harmless.
   */
  /** Name and scopes of an active client; the tokens it already holds keep their scopes until they expire. */
  async update(hospitalId: string, ref: string, patch: ApiClientPatchV1): Promise<ApiClientViewV1> {
    const client = await this.find(hospitalId, ref);
    if (!client.active) throw notFound();
    if (patch.name !== undefined) client.name = patch.name;
    if (patch.scopes !== undefined) client.scopes = [...patch.scopes];
    await this.clients.update({ id: client.id }, { name: client.name, scopes: client.scopes });
    return toView(client);
  }

  async deactivate(hospitalId: string, ref: string): Promise<void> {
    const client = await this.find(hospitalId, ref);
    if (!client.active) return;
    await this.clients.update(
      { id: client.id },
      { active: false, deactivatedAt: new Date(), previousSecretHash: null, previousSecretValidUntil: null },
    );
  }

  async isActive(clientId: string): Promise<boolean> {
    return this.clients.existsBy({ clientId, active: true });
  }

  /** The active client this secret opens: its current secret, or the previous one inside the overlap window. */
  async authenticate(clientId: string, secret: string, now = new Date()): Promise<ApiClient | undefined> {
    const client = await this.clients.findOneBy({ clientId, active: true });
    if (!client) return undefined;
    if (secretMatches(secret, client.secretHash)) return client;
    const previousOpen =
      client.previousSecretHash !== null &&
      client.previousSecretValidUntil !== null &&
      client.previousSecretValidUntil.getTime() > now.getTime();
    return previousOpen && secretMatches(secret, client.previousSecretHash!) ? client : undefined;
  }

  /** Another hospital's client is as unknown as a client that never existed. */
  private async find(hospitalId: string, ref: string): Promise<ApiClient> {
    const client = await this.clients.findOneBy(
      UUID.test(ref) ? { hospitalId, id: ref } : { hospitalId, clientId: ref },
    );
    if (!client) throw notFound();
    return client;
  }
}

function notFound(): DomainError {
  return new DomainError('NOT_FOUND', 'No such API client at this hospital.');
}

function toView(client: ApiClient): ApiClientViewV1 {
  const windowOpen =
    client.previousSecretValidUntil && client.previousSecretValidUntil.getTime() > Date.now();
  return {
    id: client.id,
    hospitalId: client.hospitalId,
    name: client.name,
    clientId: client.clientId,
    scopes: client.scopes,
    active: client.active,
    createdAt: client.createdAt.toISOString(),
    secretRotatedAt: client.secretRotatedAt?.toISOString() ?? null,
    previousSecretValidUntil: windowOpen ? client.previousSecretValidUntil!.toISOString() : null,
    deactivatedAt: client.deactivatedAt?.toISOString() ?? null,
  };
}
