import { Controller, Get, Header, HttpCode, Post, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScopes, ScopesGuard, VerificationKeys } from '@bridge/auth';
import { Bus } from '@bridge/messaging';

/** The public keys tokens are verified with (RFC 7517), for anyone who wants to check a token offline. */
@ApiTags('auth')
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: VerificationKeys) {}

  @Get('jwks.json')
  @Header('cache-control', 'public, max-age=60')
  @ApiOperation({ summary: 'JSON Web Key Set: every key whose tokens may still be valid, by kid' })
  async jwks() {
    return { keys: await this.keys.jwks() };
  }
}

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AuthGuard('jwt'), ScopesGuard)
@RequireScopes('admin')
@Controller('v1/admin/signing-keys')
export class SigningKeysController {
  constructor(private readonly bus: Bus) {}

  @Post('rotate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A new key signs from now on; the retired one verifies until every token it signed has expired',
  })
  rotate() {
    return this.bus.request('auth.signing-keys.rotate.v1', {});
  }
}
