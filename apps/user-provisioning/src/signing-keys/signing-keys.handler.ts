import { Controller } from '@nestjs/common';
import type { SigningKeysV1 } from '@bridge/contracts';
import { MessagePattern } from '@nestjs/microservices';
import { SigningKeysService } from './signing-keys.service';

@Controller()
export class SigningKeysHandler {
  constructor(private readonly signingKeys: SigningKeysService) {}

  @MessagePattern('auth.signing-keys.list.v1')
  async list(): Promise<SigningKeysV1> {
    return { keys: await this.signingKeys.publicKeys() };
  }

  @MessagePattern('auth.signing-keys.rotate.v1')
  async rotate(): Promise<SigningKeysV1> {
    return { keys: await this.signingKeys.rotate() };
  }
}
