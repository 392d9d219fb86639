import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScopes, ScopesGuard } from '@bridge/auth';
import { ScimTokenInputV1 } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import { Audited, param } from '../audit/audited';
import { ResourceIdPipe } from '../http/resource-id.pipe';

/** Static SCIM bearer tokens for identity providers that take a secret instead of doing OAuth. */
@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AuthGuard('jwt'), ScopesGuard)
@RequireScopes('admin')
@Controller('v1/admin/hospitals/:hospitalId/scim-tokens')
export class ScimTokensController {
  constructor(private readonly bus: Bus) {}

  @Post()
  @Audited('scim-token.created', 'scim-token')
  @ApiOperation({ summary: 'A SCIM token (scope scim, valid until revoked); the token is shown once' })
  create(@Param('hospitalId', ResourceIdPipe) hospitalId: string, @Body() body: ScimTokenInputV1 = {}) {
    return this.bus.request('auth.scim-token.create.v1', {
      hospitalId,
      ...(body?.name !== undefined ? { name: body.name } : {}),
    });
  }

  @Get()
  list(@Param('hospitalId', ResourceIdPipe) hospitalId: string) {
    return this.bus.request('auth.scim-token.list.v1', { hospitalId });
  }

  @Delete(':tokenId')
  @HttpCode(204)
  @Audited('scim-token.revoked', 'scim-token', param('tokenId'))
  @ApiOperation({ summary: 'Revoke: refused by every gateway within CREDENTIAL_CHECK_INTERVAL_MS' })
  async revoke(
    @Param('hospitalId', ResourceIdPipe) hospitalId: string,
    @Param('tokenId', ResourceIdPipe) tokenId: string,
  ) {
    await this.bus.request('auth.scim-token.revoke.v1', { hospitalId, tokenId });
  }
}
