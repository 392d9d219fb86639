import { Body, Controller, Get, HttpCode, Ip, Post, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ConcurrencyGate, CurrentPrincipal, tenantOf } from '@bridge/auth';
import {
  DomainError,
  ExchangeLoginTokenRequestV1,
  PasswordLoginRequestV1,
  type Principal,
} from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import { Audited } from '../audit/audited';
import { FailedAttemptsService } from '../failed-attempts/failed-attempts.service';

/**
 * Password hashing (scrypt, N = 2^17 by default, and a rehash of a cheaper hash) is deliberately slow:
 * ~0.3 s on a free core, several seconds on a saturated one. A sign-in must not fail on the generic RPC timeout for that.
 */
export const PASSWORD_HASHING_TIMEOUT_MS = 30_000;

/**
 * Password sign-ins this gateway has on the bus at once; one more is refused at once (503). user-
 * provisioning checks about three passwords a second per free core and refuses a check that queued for
 * 5 s: 16 in flight is about that much work. Without this cap a flood from rotating addresses (which the
 * per-source limits cannot stop) queues thousands of requests on the bus, each checked at 0.3 s of CPU
 * long after its caller left, and the right password sent after the flood times out behind them (R11).
 */
const SIGN_INS_IN_FLIGHT = 16;

/** Care app sign-in: e-mail + password, or the login-token link from the EMR. */
@ApiTags('auth')
@Controller('v1/auth')
export class SessionsController {
  private readonly signIns = new ConcurrencyGate({
    concurrent: SIGN_INS_IN_FLIGHT,
    waiting: 0,
    busyMessage: 'Too many sign-ins at once; try again shortly.',
  });

  constructor(
    private readonly bus: Bus,
    private readonly failedAttempts: FailedAttemptsService,
  ) {}

  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign in with e-mail and password (users created with one) → Care app session token',
  })
  login(@Body() body: PasswordLoginRequestV1, @Ip() source: string) {
    const credential = body.email.trim().toLowerCase();
    return this.failedAttempts.attempt(
      { kind: 'password', credential, source, failure: 'INVALID_CREDENTIALS' },
      () =>
        this.signIns.run(() =>
          this.bus.request('users.session.login.v1', body, { timeoutMs: PASSWORD_HASHING_TIMEOUT_MS }),
        ),
    );
  }

  @Post('exchange')
  @HttpCode(200)
  @ApiOperation({ summary: 'Redeem a login token (single use) → Care app session token' })
  exchange(@Body() body: ExchangeLoginTokenRequestV1, @Ip() source: string) {
    // The link itself is the credential: replaying a spent one never blocks the user's fresh links.
    return this.failedAttempts.attempt(
      { kind: 'login-link', credential: body.token, source, failure: 'LOGIN_TOKEN_INVALID' },
      () => this.bus.request('users.session.exchange.v1', { token: body.token }),
    );
  }

  @Post('logout')
  @HttpCode(204)
  @Audited('session.ended', 'user', ({ principal }) => principal.subject)
  @ApiBearerAuth()
  @UseGuards(AuthGuard('jwt'))
  @ApiOperation({ summary: "End the caller's Care app session: its token is refused from now on" })
  async logout(@CurrentPrincipal() principal: Principal): Promise<void> {
    if (principal.kind !== 'user')
      throw new DomainError('FORBIDDEN', 'This needs a Care app session, not an API token.');
    await this.bus.request('users.session.end.v1', {
      hospitalId: tenantOf(principal),
      userId: principal.subject,
      ...(principal.sessionId ? { sessionId: principal.sessionId } : {}),
      expiresAtSeconds: principal.expiresAt ?? Math.floor(Date.now() / 1000) + 86_400,
    });
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
