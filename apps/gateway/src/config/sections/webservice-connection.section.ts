import { Injectable } from '@nestjs/common';
import { WebServiceConnectionInputV1, validatePayload } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import type { ConfigSection } from '../config-section';
import { isNotFound, secretIf, withKeptSecrets } from './secrets';

/** `connections.webservice`: the web-service connection; its auth secret exports as `{"secret": "set"}`. */
@Injectable()
export class WebServiceConnectionSection implements ConfigSection<Record<string, unknown>> {
  readonly path = 'connections.webservice';
  readonly secretPaths = ['auth.password', 'auth.token', 'auth.value'];

  constructor(private readonly bus: Bus) {}

  async read(hospitalId: string): Promise<Record<string, unknown> | null> {
    try {
      const view = await this.bus.request('imports.webservice-connection.get.v1', { hospitalId });
      const { hospitalId: _id, updatedAt: _at, auth, ...connection } = view;
      const secret = secretIf(auth.secretSet);
      const secretKey = auth.type === 'basic' ? 'password' : auth.type === 'bearer' ? 'token' : 'value';
      return {
        ...connection,
        auth: {
          type: auth.type,
          ...(auth.username !== undefined ? { username: auth.username } : {}),
          ...(auth.header !== undefined ? { header: auth.header } : {}),
          ...(auth.type !== 'none' && secret ? { [secretKey]: secret } : {}),
        },
      };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async check(hospitalId: string, wanted: unknown): Promise<void> {
    await this.bus.request('imports.webservice-connection.put.v1', {
      ...this.request(hospitalId, wanted),
      dryRun: true,
    });
  }

  async write(hospitalId: string, wanted: Record<string, unknown>): Promise<void> {
    await this.bus.request('imports.webservice-connection.put.v1', this.request(hospitalId, wanted));
  }

  private request(hospitalId: string, wanted: unknown) {
    const { input, keepSecrets } = withKeptSecrets(wanted, this.secretPaths);
    const connection = validatePayload(WebServiceConnectionInputV1, input);
    return { hospitalId, connection, ...(keepSecrets.length ? { keepSecrets } : {}) };
  }
}
