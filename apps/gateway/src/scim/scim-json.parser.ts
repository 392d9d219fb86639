import type { FastifyInstance } from 'fastify';

/**
 * SCIM clients send `application/scim+json` (RFC 7644 §3.1); it is JSON, parsed by Fastify's own JSON
 * parser with the same prototype-poisoning protection and body limit as `application/json`.
 */
export function installScimJson(fastify: FastifyInstance): void {
  fastify.addContentTypeParser(
    'application/scim+json',
    { parseAs: 'string' },
    fastify.getDefaultJsonParser('error', 'error'),
  );
}
