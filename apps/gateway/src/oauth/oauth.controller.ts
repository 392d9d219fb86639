import { Body, Controller, HttpCode, Ip, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Bus } from '@bridge/messaging';
import { FailedAttemptsService } from '../failed-attempts/failed-attempts.service';
import { readClientCredentials } from './client-credentials';
import { TokenRequestDto } from './token-request.dto';

@ApiTags('auth')
@Controller('v1/oauth')
export class OAuthController {
  constructor(
    private readonly bus: Bus,
    private readonly failedAttempts: FailedAttemptsService,
  ) {}

  @Post('token')
  @HttpCode(200)
  @ApiOperation({ summary: 'OAuth 2.0 client credentials grant' })
  async token(
    @Body() body: TokenRequestDto,
    @Ip() source: string,
    @Req() request: { headers: Record<string, string | undefined> },
  ) {
    const credentials = readClientCredentials(body, request.headers.authorization);
    const credential = 'clientId' in credentials ? credentials.clientId : '';
    return this.failedAttempts.attempt(
      { kind: 'client', credential, source, failure: 'INVALID_CLIENT' },
      async () => {
        if ('refusal' in credentials) throw credentials.refusal;
        const token = await this.bus.request('auth.client.authenticate.v1', credentials);
        return {
          access_token: token.accessToken,
          token_type: token.tokenType,
          expires_in: token.expiresIn,
          scope: token.scope,
        };
      },
    );
  }
}
