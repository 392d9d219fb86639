import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScopes, ScopesGuard, tenantOf } from '@bridge/auth';
import { DomainError, LoginTokenInputV1, UserInputV1, UserPatchV1, type Principal } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import type { FastifyReply } from 'fastify';
import { ResourceIdPipe } from '../http/resource-id.pipe';
import { actorOf } from './actor';
import { Audited, param } from '../audit/audited';

/** Clinical users of the caller's hospital: REST provisioning and just-in-time sign-in links. */
@ApiTags('users')
@ApiBearerAuth()
@UseGuards(AuthGuard('jwt'), ScopesGuard)
@RequireScopes('users:write')
@Controller('v1/users')
export class UsersController {
  constructor(private readonly bus: Bus) {}

  @Post()
  @Audited('user.provisioned', 'user')
  @ApiOperation({
    summary:
      'Create a user, or get the existing one by hospitalUserId, else e-mail (201 created, 200 existing)',
  })
  async provision(
    @CurrentPrincipal() principal: Principal,
    @Body() user: UserInputV1,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.bus.request('users.user.provision.v1', {
      hospitalId: tenantOf(principal),
      actor: actorOf(principal),
      user,
    });
    void reply.status(result.created ? 201 : 200);
    return result.user;
  }

  @Post('login-token')
  @ApiOperation({
    summary:
      'Upsert the user just in time and get a single-use, minutes-long link that signs it into the Care app',
  })
  loginToken(@CurrentPrincipal() principal: Principal, @Body() login: LoginTokenInputV1) {
    // Minting a sign-in link for someone else is the EMR's job; a Care app session must not impersonate.
    if (principal.kind !== 'client') {
      throw new DomainError(
        'FORBIDDEN',
        "Login tokens are issued to the hospital's systems (API clients) only.",
      );
    }
    return this.bus.request('users.login-token.issue.v1', {
      hospitalId: tenantOf(principal),
      actor: actorOf(principal),
      login,
    });
  }

  @Get()
  @ApiQuery({ name: 'email', required: false })
  @ApiOperation({ summary: "The hospital's users, or the one with this e-mail (a list of 0 or 1)" })
  find(@CurrentPrincipal() principal: Principal, @Query('email') email?: string) {
    return this.bus.request('users.user.find.v1', {
      hospitalId: tenantOf(principal),
      ...(email !== undefined ? { email } : {}),
    });
  }

  @Get(':userId')
  get(@CurrentPrincipal() principal: Principal, @Param('userId', ResourceIdPipe) userId: string) {
    return this.bus.request('users.user.get.v1', { hospitalId: tenantOf(principal), userId });
  }

  @Get(':userId/audit-log')
  @ApiOperation({ summary: 'Who provisioned, changed, deactivated or signed in this user, and when' })
  auditLog(@CurrentPrincipal() principal: Principal, @Param('userId', ResourceIdPipe) userId: string) {
    return this.bus.request('users.audit.list.v1', { hospitalId: tenantOf(principal), userId });
  }

  @Patch(':userId')
  @Audited('user.changed', 'user', param('userId'))
  @ApiOperation({ summary: 'Change the fields sent; active: false deactivates and revokes sessions' })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('userId', ResourceIdPipe) userId: string,
    @Body() patch: UserPatchV1,
  ) {
    return this.bus.request('users.user.update.v1', {
      hospitalId: tenantOf(principal),
      actor: actorOf(principal),
      userId,
      patch,
    });
  }

  @Delete(':userId')
  @Audited('user.deactivated', 'user', param('userId'))
  @HttpCode(204)
  @ApiOperation({
    summary: 'Deactivate (the user is kept, inactive), revoking its sessions and login tokens',
  })
  async deactivate(
    @CurrentPrincipal() principal: Principal,
    @Param('userId', ResourceIdPipe) userId: string,
  ): Promise<void> {
    await this.bus.request('users.user.deactivate.v1', {
      hospitalId: tenantOf(principal),
      actor: actorOf(principal),
      userId,
    });
  }
}
