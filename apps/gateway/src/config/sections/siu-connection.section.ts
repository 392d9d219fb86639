import { Injectable } from '@nestjs/common';
import { SiuConnectionInputV1, validatePayload } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import type { ConfigSection } from '../config-section';
import { isNotFound, secretIf, withKeptSecrets } from './secrets';

/** `connections.siu`: the SIU connection; SFTP credentials and the listener's TLS key export as `{"secret": "set"}`. */
@Injectable()
export class SiuConnectionSection implements ConfigSection<Record<string, unknown>> {
  readonly path = 'connections.siu';
  readonly secretPaths = [
    'source.password',
    'source.privateKey',
    'source.passphrase',
    'mllpListener.tls.key',
  ];

  constructor(private readonly bus: Bus) {}

  async read(hospitalId: string): Promise<Record<string, unknown> | null> {
    try {
      const view = await this.bus.request('siu.connection.get.v1', { hospitalId });
      const { hospitalId: _id, updatedAt: _at, source, mllpListener, ...connection } = view;
      const { passwordSet, privateKeySet, passphraseSet, ...sourceFields } = source;
      const listener = mllpListener
        ? (() => {
            const { tls, ...rest } = mllpListener;
            if (!tls) return rest;
            const { keySet, ...certificates } = tls;
            return { ...rest, tls: { ...certificates, key: secretIf(keySet) } };
          })()
        : undefined;
      return {
        ...connection,
        source: {
          ...sourceFields,
          password: secretIf(passwordSet),
          privateKey: secretIf(privateKeySet),
          passphrase: secretIf(passphraseSet),
        },
        ...(listener ? { mllpListener: listener } : {}),
      };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async check(hospitalId: string, wanted: unknown): Promise<void> {
    await this.bus.request('siu.connection.put.v1', { ...this.request(hospitalId, wanted), dryRun: true });
  }

  async write(hospitalId: string, wanted: Record<string, unknown>): Promise<void> {
    await this.bus.request('siu.connection.put.v1', this.request(hospitalId, wanted));
  }

  private request(hospitalId: string, wanted: unknown) {
    const { input, keepSecrets } = withKeptSecrets(wanted, this.secretPaths);
    const connection = validatePayload(SiuConnectionInputV1, input);
    return { hospitalId, connection, ...(keepSecrets.length ? { keepSecrets } : {}) };
  }
}
