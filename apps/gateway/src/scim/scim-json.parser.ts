import type { FastifyInstance, FastifyRequest } from 'fastify';

type Done = (error: Error | null, body?: unknown) => void;

/**
 * SCIM clients send `application/scim+json` (RFC 7644 §3.1); it is JSON, parsed by Fastify's own JSON
 * parser with the same prototype-poisoning protection and body limit as `application/json`. IdP clients
 * send the header on every call, a DELETE without a body too: a DELETE with no body is not parsed,
 * whatever its content type says (elsewhere an empty JSON body stays an error).
 */
export function installScimJson(fastify: FastifyInstance): void {
  const json = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser(
    'application/scim+json',
    { parseAs: 'string' },
    (request: FastifyRequest, body: string, done: Done) =>
      body.length === 0 ? done(null, undefined) : json(request, body, done),
  );
  fastify.addHook('onRequest', (request, _reply, next) => {
    const headers = request.headers;
    const empty =
      headers['content-length'] === '0' ||
      (headers['content-length'] === undefined && headers['transfer-encoding'] === undefined);
    if (request.method === 'DELETE' && empty) delete headers['content-type'];
    next();
  });
}

const SCIM_RESOURCES = ['Users', 'Groups', 'ServiceProviderConfig', 'ResourceTypes', 'Schemas'];

/**
 * Fastify's `rewriteUrl`: SCIM resource paths are case-insensitive (`/scim/v2/users`, `/USERS`) and a
 * trailing slash is tolerated (`/Users/?filter=…`), as IdPs and their test suites send them. Runs before
 * routing; only `/scim/v2` URLs change.
 */
export function canonicalScimUrl(request: { url?: string }): string {
  const url = request.url ?? '/';
  const match = /^\/scim\/v2(\/[^?]*)?(\?.*)?$/i.exec(url);
  if (!match) return url;
  const segments = (match[1] ?? '').replace(/\/+$/, '').split('/');
  const resource = SCIM_RESOURCES.find((name) => name.toLowerCase() === segments[1]?.toLowerCase());
  if (resource) segments[1] = resource;
  return `/scim/v2${segments.join('/')}${match[2] ?? ''}`;
}
