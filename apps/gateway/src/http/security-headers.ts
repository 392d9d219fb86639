import type { FastifyInstance } from 'fastify';

/**
 * Scripts only from this origin (an injected inline script does not run), never framed (no
 * clickjacking), no MIME sniffing, no Referer leaking ids in URLs. Inline styles stay allowed: the
 * OpenAPI page at /docs uses them, and a style cannot run code.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** API answers carry PHI and credentials: no browser or proxy may keep them. */
const NO_STORE_PREFIXES = ['/v1/', '/v1?', '/scim/', '/scim?'];

/** Set on every response (errors and 404s included) before any handler runs; a handler may still override. */
export function installSecurityHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers({
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'cross-origin-opener-policy': 'same-origin',
    });
    const url = request.url;
    if (url === '/v1' || url === '/scim' || NO_STORE_PREFIXES.some((prefix) => url.startsWith(prefix))) {
      void reply.header('cache-control', 'no-store');
    }
    done();
  });
}
