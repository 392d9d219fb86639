import { Injectable } from '@nestjs/common';
import { Hl7ConnectionInputV1, validatePayload } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import type { ConfigSection } from '../config-section';
import { isNotFound } from './secrets';

/** `connections.hl7`: PUT /v1/admin/hospitals/{id}/connections/hl7 as a section (it holds no secrets). */
@Injectable()
export class Hl7ConnectionSection implements ConfigSection<Hl7ConnectionInputV1> {
  readonly path = 'connections.hl7';
  readonly secretPaths = [];

  constructor(private readonly bus: Bus) {}

  async read(hospitalId: string): Promise<Hl7ConnectionInputV1 | null> {
    try {
      // What the platform derives (derivedTemplate) and bookkeeping are not configuration.
      const {
        hospitalId: _id,
        updatedAt: _at,
        derivedTemplate: _derived,
        ...connection
      } = await this.bus.request('hl7.connection.get.v1', { hospitalId });
      return connection;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async check(hospitalId: string, wanted: unknown): Promise<void> {
    const connection = validatePayload(Hl7ConnectionInputV1, wanted);
    await this.bus.request('hl7.connection.put.v1', { hospitalId, connection, dryRun: true });
  }

  async write(hospitalId: string, wanted: Hl7ConnectionInputV1): Promise<void> {
    await this.bus.request('hl7.connection.put.v1', {
      hospitalId,
      connection: validatePayload(Hl7ConnectionInputV1, wanted),
    });
  }
}
