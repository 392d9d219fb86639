import { Injectable } from '@nestjs/common';
import { isDomainError } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';

const TTL_MS = 60_000;

/**
 * physicianCode -> the physician's user id (rule 24), asked of user-provisioning and remembered a minute:
 * a file of 100,000 appointments names a handful of physicians. An unknown code is an answer too (no id);
 * a failure to ask is not, and is not remembered.
 */
@Injectable()
export class PhysicianDirectory {
  private readonly known = new Map<string, { id?: string; until: number }>();

  constructor(private readonly bus: Bus) {}

  async resolve(hospitalId: string, physicianCode: string): Promise<string | undefined> {
    const key = `${hospitalId}\u0000${physicianCode}`;
    const cached = this.known.get(key);
    if (cached && cached.until > Date.now()) return cached.id;
    let id: string | undefined;
    try {
      id = (await this.bus.request('users.physician.resolve.v1', { hospitalId, physicianCode })).id;
    } catch (error) {
      if (!isDomainError(error) || error.code !== 'PHYSICIAN_NOT_FOUND') throw error;
    }
    if (this.known.size > 10_000) this.known.clear();
    this.known.set(key, { ...(id ? { id } : {}), until: Date.now() + TTL_MS });
    return id;
  }
}
