import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  AUDIT_EVENTS_PER_RECORD,
  DomainError,
  isDomainError,
  type AuditEventInputV1,
  type Principal,
} from '@bridge/contracts';
import { currentCorrelationId } from '@bridge/logging';
import { Bus } from '@bridge/messaging';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { mergeMap, type Observable } from 'rxjs';
import { AUDITED, type AuditSpec } from './audit-spec';

/**
 * Turns `@Audited` routes into audit events. The record is an RPC to user-provisioning awaited after the
 * handler succeeded and before the answer is sent: when the trail cannot take it, the caller gets a 503
 * and no PHI leaves — every PHI read that was answered is on record. (An event would need an outbox the
 * gateway does not have, and could lose reads sent before the broker took it.)
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly bus: Bus,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const spec = this.reflector.get<AuditSpec | undefined>(AUDITED, context.getHandler());
    if (!spec || context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { user?: Principal }>();
    const reply = http.getResponse<FastifyReply>();
    return next.handle().pipe(
      mergeMap(async (result: unknown) => {
        await this.record(spec, request, reply, result);
        return result;
      }),
    );
  }

  private async record(
    spec: AuditSpec,
    request: FastifyRequest & { user?: Principal },
    reply: FastifyReply,
    result: unknown,
  ): Promise<void> {
    const principal = request.user;
    if (!principal)
      throw new DomainError('INTERNAL_ERROR', 'An audited route ran without a verified caller.');
    const call = { params: (request.params ?? {}) as Record<string, string | undefined>, principal, result };
    const hospitalId = single(spec.hospital(call));
    const target = spec.resource(call);
    if (target === undefined) {
      throw new DomainError('INTERNAL_ERROR', `Audited route ${spec.action} names no ${spec.resourceType}.`);
    }
    const resourceIds = list(target);
    // A search that found nothing disclosed nothing: there is no resource to put on record.
    if (resourceIds.length === 0) return;
    if (!hospitalId)
      throw new DomainError('INTERNAL_ERROR', `Audited route ${spec.action} names no hospital.`);
    const header = reply.getHeader('x-correlation-id');
    const correlationId = (typeof header === 'string' && header) || currentCorrelationId() || randomUUID();
    const at = new Date().toISOString();
    const events: AuditEventInputV1[] = resourceIds.map((id) => ({
      hospitalId,
      actor: { kind: principal.kind, id: principal.subject },
      action: spec.action,
      resource: { type: spec.resourceType, id },
      correlationId,
      at,
    }));
    try {
      for (let start = 0; start < events.length; start += AUDIT_EVENTS_PER_RECORD) {
        await this.bus.request('audit.events.record.v1', {
          events: events.slice(start, start + AUDIT_EVENTS_PER_RECORD),
        });
      }
    } catch (error) {
      throw new DomainError(
        'SERVICE_UNAVAILABLE',
        'The audit trail could not record this call, so its answer is withheld; try again.',
        isDomainError(error) ? { cause: error.code } : undefined,
      );
    }
  }
}

function single(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : value?.[0];
}

function list(value: string | readonly string[]): string[] {
  return (typeof value === 'string' ? [value] : [...value]).filter((id) => id.length > 0);
}
