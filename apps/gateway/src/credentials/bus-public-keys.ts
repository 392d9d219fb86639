import { Injectable } from '@nestjs/common';
import type { PublicKeySource } from '@bridge/auth';
import type { PublicJwkV1 } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';

/** The public signing keys, from user-provisioning (the only holder of the private ones). */
@Injectable()
export class BusPublicKeySource implements PublicKeySource {
  constructor(private readonly bus: Bus) {}

  async load(): Promise<PublicJwkV1[]> {
    return (await this.bus.request('auth.signing-keys.list.v1', {})).keys;
  }
}
