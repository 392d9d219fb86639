import { Body, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { CurrentPrincipal, tenantOf } from '@bridge/auth';
import type { Principal } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Audited, param } from '../audit/audited';
import { ResourceIdPipe } from '../http/resource-id.pipe';
import { actorOf } from '../users/actor';
import { baseUrlOf, objectBody, scim, ScimEndpoint } from './scim-endpoint';

/**
 * SCIM Groups (Entra ID and Okta group push) of the token's hospital: another hospital's group ids are
 * 404. Members get the Care-app roles the hospital maps to the group (see scim-group-roles).
 */
@ScimEndpoint('scim/v2/Groups')
export class ScimGroupsController {
  constructor(private readonly bus: Bus) {}

  @Get()
  @ApiOperation({
    summary: 'List groups: filter (e.g. displayName eq "x"), startIndex, count, excludedAttributes',
  })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    scim(reply);
    return this.bus.request('users.scim-group.list.v1', {
      hospitalId: tenantOf(principal),
      baseUrl: baseUrlOf(request),
      ...textParameters(query, ['filter', 'startIndex', 'count', 'excludedAttributes']),
    });
  }

  @Post()
  @Audited('group.created', 'scim-group')
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() resource: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const group = await this.bus.request('users.scim-group.create.v1', {
      hospitalId: tenantOf(principal),
      actor: actorOf(principal),
      baseUrl: baseUrlOf(request),
      resource: objectBody(resource),
    });
    void scim(reply).status(201).header('location', group.meta.location);
    return group;
  }

  @Get(':groupId')
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('groupId', ResourceIdPipe) groupId: string,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    scim(reply);
    return this.bus.request('users.scim-group.get.v1', {
      hospitalId: tenantOf(principal),
      baseUrl: baseUrlOf(request),
      groupId,
      ...textParameters(query, ['excludedAttributes']),
    });
  }

  @Put(':groupId')
  @Audited('group.changed', 'scim-group', param('groupId'))
  replace(
    @CurrentPrincipal() principal: Principal,
    @Param('groupId', ResourceIdPipe) groupId: string,
    @Body() resource: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    scim(reply);
    return this.bus.request('users.scim-group.replace.v1', {
      hospitalId: tenantOf(principal),
      actor: actorOf(principal),
      baseUrl: baseUrlOf(request),
      groupId,
      resource: objectBody(resource),
    });
  }

  @Patch(':groupId')
  @Audited('group.changed', 'scim-group', param('groupId'))
  patch(
    @CurrentPrincipal() principal: Principal,
    @Param('groupId', ResourceIdPipe) groupId: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    scim(reply);
    return this.bus.request('users.scim-group.patch.v1', {
      hospitalId: tenantOf(principal),
      actor: actorOf(principal),
      baseUrl: baseUrlOf(request),
      groupId,
      patch: objectBody(body),
    });
  }

  @Delete(':groupId')
  @HttpCode(204)
  @Audited('group.deleted', 'scim-group', param('groupId'))
  async delete(
    @CurrentPrincipal() principal: Principal,
    @Param('groupId', ResourceIdPipe) groupId: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.bus.request('users.scim-group.delete.v1', {
      hospitalId: tenantOf(principal),
      actor: actorOf(principal),
      baseUrl: baseUrlOf(request),
      groupId,
    });
  }
}

/** Query parameters arrive as strings (a repeated one as a list: the first counts). */
function textParameters(query: Record<string, unknown>, names: string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) {
    const value = Array.isArray(query[name]) ? (query[name] as unknown[])[0] : query[name];
    if (typeof value === 'string') picked[name] = value;
  }
  return picked;
}
