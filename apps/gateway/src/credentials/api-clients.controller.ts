import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScopes, ScopesGuard } from '@bridge/auth';
import { ApiClientPatchV1, DomainError, RotateSecretInputV1 } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import { Audited, param } from '../audit/audited';
import { ResourceIdPipe } from '../http/resource-id.pipe';

/** `cb_...` client ids or the client's UUID; anything else names no client. */
const CLIENT_REF = /^[A-Za-z0-9_-]{1,100}$/;

/** API clients of one hospital: list (never secrets), change name or scopes, rotate the secret with an overlap window, deactivate. */
@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AuthGuard('jwt'), ScopesGuard)
@RequireScopes('admin')
@Controller('v1/admin/hospitals/:hospitalId/api-clients')
export class ApiClientsController {
  constructor(private readonly bus: Bus) {}

  @Get()
  @ApiOperation({ summary: "The hospital's API clients (never their secrets)" })
  list(@Param('hospitalId', ResourceIdPipe) hospitalId: string) {
    return this.bus.request('auth.api-client.list.v1', { hospitalId });
  }

  @Post(':clientId/rotate-secret')
  @HttpCode(200)
  @Audited('api-client.secret-rotated', 'api-client', param('clientId'))
  @ApiOperation({
    summary:
      'New secret (shown once); the previous one keeps working for previousSecretValidForSeconds (default 24 h, 0 = ends now)',
  })
  rotateSecret(
    @Param('hospitalId', ResourceIdPipe) hospitalId: string,
    @Param('clientId') clientId: string,
    @Body() body: RotateSecretInputV1 = {},
  ) {
    return this.bus.request('auth.api-client.rotate-secret.v1', {
      hospitalId,
      clientId: clientRef(clientId),
      ...(body?.previousSecretValidForSeconds !== undefined
        ? { previousSecretValidForSeconds: body.previousSecretValidForSeconds }
        : {}),
    });
  }

  @Patch(':clientId')
  @Audited('api-client.changed', 'api-client', param('clientId'))
  @ApiOperation({
    summary: 'Change name or scopes; tokens already issued keep their scopes until they expire (1 h)',
  })
  update(
    @Param('hospitalId', ResourceIdPipe) hospitalId: string,
    @Param('clientId') clientId: string,
    @Body() patch: ApiClientPatchV1,
  ) {
    return this.bus.request('tenancy.api-client.update.v1', {
      hospitalId,
      clientId: clientRef(clientId),
      patch,
    });
  }

  @Delete(':clientId')
  @HttpCode(204)
  @Audited('api-client.deactivated', 'api-client', param('clientId'))
  @ApiOperation({
    summary: 'Deactivate: its secrets fail at once, tokens issued to it within CREDENTIAL_CHECK_INTERVAL_MS',
  })
  async deactivate(
    @Param('hospitalId', ResourceIdPipe) hospitalId: string,
    @Param('clientId') clientId: string,
  ) {
    await this.bus.request('auth.api-client.deactivate.v1', { hospitalId, clientId: clientRef(clientId) });
  }
}

function clientRef(value: string): string {
  if (!CLIENT_REF.test(value)) throw new DomainError('NOT_FOUND', 'No such API client at this hospital.');
  return value;
}
