import { Body, Controller, HttpCode, Ip, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { FailedAttempts } from '@bridge/auth';
import { DomainError, isDomainError } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import { TokenRequestDto } from './token-request.dto';

@ApiTags('auth')
@Controller('v1/oauth')
export class OAuthController {
  /** Per source address, on top of user-provisioning's per-client limit: slows credential stuffing. */
  private readonly failuresByAddress = new FailedAttempts({ limit: 30, windowMs: 60_000 });

  constructor(private readonly bus: Bus) {}

  @Post('token')
  @HttpCode(200)
  @ApiOperation({ summary: 'OAuth 2.0 client credentials grant' })
  async token(
    @Body() body: TokenRequestDto,
    @Ip() address: string,
    @Req() request: { headers: Record<string, string | undefined> },
  ) {
    if (this.failuresByAddress.isBlocked(address)) {
      throw new DomainError('RATE_LIMITED', 'Too many failed attempts from this address; try again later.');
    }
    const { clientId, clientSecret } = credentialsOf(body, request.headers.authorization);
    try {
      const token = await this.bus.request('auth.client.authenticate.v1', { clientId, clientSecret });
      return {
        access_token: token.accessToken,
        token_type: token.tokenType,
        expires_in: token.expiresIn,
        scope: token.scope,
      };
    } catch (error) {
      if (isDomainError(error) && error.code === 'INVALID_CLIENT') this.failuresByAddress.record(address);
      throw error;
    }
  }
}

function credentialsOf(body: TokenRequestDto, authorization?: string): { clientId: string; clientSecret: string } {
  if (authorization?.startsWith('Basic ')) {
    const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    if (separator > 0) {
      return {
        clientId: decodeURIComponent(decoded.slice(0, separator)),
        clientSecret: decodeURIComponent(decoded.slice(separator + 1)),
      };
    }
  }
  if (!body.client_id || !body.client_secret) {
    throw new DomainError('INVALID_CLIENT', 'client_id and client_secret are required.');
  }
  return { clientId: body.client_id, clientSecret: body.client_secret };
}
