import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { withCorrelationId } from '@bridge/logging';

const HEADER = 'x-correlation-id';
const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * Each request runs in a correlation scope (the caller's X-Correlation-Id when sane, else a new id),
 * which the bus carries to every service the request reaches; the id is echoed in the response.
 */
export function installCorrelation(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const offered = request.headers[HEADER];
    const correlationId = typeof offered === 'string' && ACCEPTABLE.test(offered) ? offered : randomUUID();
    void reply.header(HEADER, correlationId);
    withCorrelationId(correlationId, done);
  });
}
