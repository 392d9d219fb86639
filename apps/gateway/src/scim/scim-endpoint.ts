import { applyDecorators, Controller, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequireScopes, ScopesGuard } from '@bridge/auth';
import { DomainError } from '@bridge/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ScimAuthGuard } from '../credentials/scim-auth.guard';
import { SCIM_CONTENT_TYPE, ScimErrorFilter } from './scim-error.filter';

/**
 * A SCIM resource controller (Users, Groups): an API client with the scope `scim` or a static SCIM token,
 * errors in the SCIM error schema.
 */
export const ScimEndpoint = (path: string): ClassDecorator =>
  applyDecorators(
    ApiTags('scim'),
    ApiBearerAuth(),
    UseGuards(ScimAuthGuard, ScopesGuard),
    RequireScopes('scim'),
    UseFilters(ScimErrorFilter),
    Controller(path),
  );

export function scim(reply: FastifyReply): FastifyReply {
  return reply.header('content-type', SCIM_CONTENT_TYPE);
}

/** The SCIM root as the caller reached it (through a proxy, as it forwarded it), for meta.location. */
export function baseUrlOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}/scim/v2`;
}

export function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new DomainError('VALIDATION_FAILED', 'The body must be a JSON object.', {
      scimType: 'invalidSyntax',
    });
  }
  return body as Record<string, unknown>;
}
