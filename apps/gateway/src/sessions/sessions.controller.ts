import { Body, Controller, Get, HttpCode, Ip, Post, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, FailedAttempts, tenantOf } from '@bridge/auth';
import {
  DomainError,
  ExchangeLoginTokenRequestV1,
  isDomainError,
  PasswordLoginRequestV1,
  type ErrorCode,
  type Principal,
} from '@bridge/contracts';
import { Bus } from '@bridge/messaging';

/** Per source address, on top of user-provisioning's per-account limits: slows guessing across accounts. */
const ADDRESS_LIMIT = { limit: 30, windowMs: 60_000 };

/** Care app sign-in: e-mail + password, or the login-token link from the EMR. */
@ApiTags('auth')
@Controller('v1/auth')
export class SessionsController {
  private readonly failedLogins = new FailedAttempts(ADDRESS_LIMIT);
  private readonly failedExchanges = new FailedAttempts(ADDRESS_LIMIT);

  constructor(private readonly bus: Bus) {}

  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign in with e-mail and password (users created with one) → Care app session token',
  })
  login(@Body() body: PasswordLoginRequestV1, @Ip() address: string) {
    return limited(this.failedLogins, address, 'INVALID_CREDENTIALS', () =>
      this.bus.request('users.session.login.v1', body),
    );
  }

  @Post('exchange')
  @HttpCode(200)
  @ApiOperation({ summary: 'Redeem a login token (single use) → Care app session token' })
  exchange(@Body() body: ExchangeLoginTokenRequestV1, @Ip() address: string) {
    return limited(this.failedExchanges, address, 'LOGIN_TOKEN_INVALID', () =>
      this.bus.request('users.session.exchange.v1', { token: body.token }),
    );
  }

  @Get('session')
  @ApiBearerAuth()
  @UseGuards(AuthGuard('jwt'))
  @ApiOperation({ summary: 'The signed-in Care app user and what its session may do' })
  async session(@CurrentPrincipal() principal: Principal) {
    if (principal.kind !== 'user')
      throw new DomainError('FORBIDDEN', 'This needs a Care app session, not an API token.');
    const user = await this.bus.request('users.user.get.v1', {
      hospitalId: tenantOf(principal),
      userId: principal.subject,
    });
    return { user, scopes: principal.scopes };
  }
}

async function limited<T>(
  failures: FailedAttempts,
  address: string,
  failure: ErrorCode,
  attempt: () => Promise<T>,
): Promise<T> {
  if (failures.isBlocked(address)) {
    throw new DomainError('RATE_LIMITED', 'Too many failed sign-ins from this address; try again later.');
  }
  try {
    return await attempt();
  } catch (error) {
    if (isDomainError(error) && error.code === failure) failures.record(address);
    throw error;
  }
}
