import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ApiClientCreatedV1, ApiClientInputV1 } from '@bridge/contracts';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { HospitalsService } from '../hospitals/hospitals.service';
import { ApiClient } from './api-client.entity';
import { hashSecret, newClientId, newClientSecret } from './client-secrets';

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

  findActiveByClientId(clientId: string): Promise<ApiClient | null> {
    return this.clients.findOneBy({ clientId, active: true });
  }
}
