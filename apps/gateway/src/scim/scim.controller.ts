import { Body, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { CurrentPrincipal, tenantOf } from '@bridge/auth';
import { type Principal } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ResourceIdPipe } from '../http/resource-id.pipe';
import { actorOf } from '../users/actor';
import { baseUrlOf, objectBody, scim, ScimEndpoint } from './scim-endpoint';
import { Audited, param } from '../audit/audited';

/**
 * SCIM 2.0 (RFC 7643/7644) for the hospital's IdP (Entra ID, Okta): a bearer token of an API client with
 * the scope `scim`, or a static SCIM token (`cbscim_...`, POST /v1/admin/hospitals/{id}/scim-tokens), acting on the users of that client's hospital. Bodies are passed on as sent (SCIM
 * attribute names are case-insensitive and IdPs send attributes the Care app does not keep);
 * user-provisioning reads them. Every answer, errors included, is application/scim+json (paths not
 * offered here, e.g. /Bulk, reach ProblemDetailsFilter, which hands /scim/ to ScimErrorFilter). Groups are in
 * ScimGroupsController; paths are case-insensitive and a trailing slash is tolerated (canonicalScimUrl).
 */
@ScimEndpoint('scim/v2')
export class ScimController {
  constructor(private readonly bus: Bus) {}

  @Get('Users')
  @ApiOperation({ summary: 'List users: filter (RFC 7644 grammar), startIndex (1-based), count' })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { filter, startIndex, count } = query;
    scim(reply);
    return this.bus.request('users.scim.list.v1', {
      hospitalId: tenantOf(principal),
      baseUrl: baseUrlOf(request),
      ...(filter !== undefined ? { filter: filter as string } : {}),
      ...(startIndex !== undefined ? { startIndex: startIndex as string } : {}),
      ...(count !== undefined ? { count: count as string } : {}),
    });
  }

  @Post('Users')
  @Audited('user.created', 'user')
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() resource: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const user = await this.bus.request('users.scim.create.v1', {
      hospitalId: tenantOf(principal),
      actor: actorOf(principal),
      baseUrl: baseUrlOf(request),
      resource: objectBody(resource),
    });
    void scim(reply).status(201).header('location', user.meta.location);
    return user;
  }

  @Get('Users/:userId')
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('userId', ResourceIdPipe) userId: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    scim(reply);
    return this.bus.request('users.scim.get.v1', {
      hospitalId: tenantOf(principal),
      baseUrl: baseUrlOf(request),
      userId,
    });
  }

  @Put('Users/:userId')
  @Audited('user.changed', 'user', param('userId'))
  replace(
    @CurrentPrincipal() principal: Principal,
    @Param('userId', ResourceIdPipe) userId: string,
    @Body() resource: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    scim(reply);
    return this.bus.request('users.scim.replace.v1', {
      hospitalId: tenantOf(principal),
      actor: actorOf(principal),
      baseUrl: baseUrlOf(request),
      userId,
      resource: objectBody(resource),
    });
  }

  @Patch('Users/:userId')
  @Audited('user.changed', 'user', param('userId'))
  patch(
    @CurrentPrincipal() principal: Principal,
    @Param('userId', ResourceIdPipe) userId: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    scim(reply);
    return this.bus.request('users.scim.patch.v1', {
      hospitalId: tenantOf(principal),
      actor: actorOf(principal),
      baseUrl: baseUrlOf(request),
      userId,
      patch: objectBody(body),
    });
  }

  @Delete('Users/:userId')
  @Audited('user.deleted', 'user', param('userId'))
  @HttpCode(204)
  async delete(
    @CurrentPrincipal() principal: Principal,
    @Param('userId', ResourceIdPipe) userId: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.bus.request('users.scim.delete.v1', {
      hospitalId: tenantOf(principal),
      actor: actorOf(principal),
      baseUrl: baseUrlOf(request),
      userId,
    });
  }

  @Get('ServiceProviderConfig')
  serviceProviderConfig(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    scim(reply);
    return this.bus.request('users.scim.discovery.v1', {
      baseUrl: baseUrlOf(request),
      document: 'ServiceProviderConfig',
    });
  }

  @Get('ResourceTypes')
  resourceTypes(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    scim(reply);
    return this.bus.request('users.scim.discovery.v1', {
      baseUrl: baseUrlOf(request),
      document: 'ResourceTypes',
    });
  }

  @Get('ResourceTypes/:id')
  resourceType(
    @Param('id') id: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    scim(reply);
    return this.bus.request('users.scim.discovery.v1', {
      baseUrl: baseUrlOf(request),
      document: 'ResourceTypes',
      id,
    });
  }

  @Get('Schemas')
  schemas(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    scim(reply);
    return this.bus.request('users.scim.discovery.v1', { baseUrl: baseUrlOf(request), document: 'Schemas' });
  }

  @Get('Schemas/:id')
  schema(
    @Param('id') id: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    scim(reply);
    return this.bus.request('users.scim.discovery.v1', {
      baseUrl: baseUrlOf(request),
      document: 'Schemas',
      id,
    });
  }
}
