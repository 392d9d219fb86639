import { Inject, Injectable } from '@nestjs/common';
import { USER_PROVISIONING_CONFIG, type UserProvisioningConfig } from '../user-provisioning.config';
import { hashPassword, needsRehash, passwordCost, verifyPassword, type ScryptCost } from './passwords';

/** Password hashing at the configured cost (PASSWORD_SCRYPT_LOG2N): the one door services use. */
@Injectable()
export class PasswordHasher {
  private readonly cost: ScryptCost;

  constructor(@Inject(USER_PROVISIONING_CONFIG) config: UserProvisioningConfig) {
    this.cost = passwordCost(config.PASSWORD_SCRYPT_LOG2N);
  }

  hash(password: string): Promise<string> {
    return hashPassword(password, this.cost);
  }

  /** At the cost stored in the hash, whatever the setting is today. */
  verify(password: string, stored: string): Promise<boolean> {
    return verifyPassword(password, stored);
  }

  needsRehash(stored: string): boolean {
    return needsRehash(stored, this.cost);
  }
}
