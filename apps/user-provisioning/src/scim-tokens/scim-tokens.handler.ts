import { Controller } from '@nestjs/common';
import type {
  CheckScimTokenRequestV1,
  CreateScimTokenRequestV1,
  ListScimTokensRequestV1,
  RevokeScimTokenRequestV1,
  ScimTokenCheckV1,
  ScimTokenCreatedV1,
  ScimTokenViewV1,
} from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ScimTokensService } from './scim-tokens.service';

@Controller()
export class ScimTokensHandler {
  constructor(private readonly tokens: ScimTokensService) {}

  @MessagePattern('auth.scim-token.create.v1')
  create(@Payload() request: CreateScimTokenRequestV1): Promise<ScimTokenCreatedV1> {
    return this.tokens.create(request.hospitalId, request.name);
  }

  @MessagePattern('auth.scim-token.list.v1')
  list(@Payload() request: ListScimTokensRequestV1): Promise<ScimTokenViewV1[]> {
    return this.tokens.list(request.hospitalId);
  }

  @MessagePattern('auth.scim-token.revoke.v1')
  async revoke(@Payload() request: RevokeScimTokenRequestV1): Promise<null> {
    await this.tokens.revoke(request.hospitalId, request.tokenId);
    return null;
  }

  @MessagePattern('auth.scim-token.check.v1')
  check(@Payload() request: CheckScimTokenRequestV1): Promise<ScimTokenCheckV1> {
    return this.tokens.check(request.token);
  }
}
