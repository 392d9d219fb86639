import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { DomainError, isDomainError, SCIM_SCHEMAS } from '@bridge/contracts';
import type { FastifyReply } from 'fastify';
import { HTTP_STATUS_BY_CODE } from '../http/error-status';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/**
 * SCIM clients read errors in the SCIM schema (RFC 7644 §3.12), not problem+json: `status` as a string
 * and, for 400 and 409, a `scimType` (carried by the domain error's details, e.g. `uniqueness`).
 * Bound to the SCIM controller only; the status comes from the same code map as the rest of the API.
 */
@Catch()
export class ScimErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ScimError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const error = this.toDomainError(exception);
    const status = HTTP_STATUS_BY_CODE[error.code];
    const scimType = scimTypeOf(error, status);
    if (status === 401) void reply.header('WWW-Authenticate', 'Bearer');
    void reply
      .status(status)
      .header('content-type', SCIM_CONTENT_TYPE)
      .send({
        schemas: [SCIM_SCHEMAS.error],
        status: String(status),
        ...(scimType ? { scimType } : {}),
        detail: error.message,
      });
  }

  private toDomainError(exception: unknown): DomainError {
    if (isDomainError(exception)) return exception;
    const status =
      exception instanceof HttpException
        ? exception.getStatus()
        : (exception as { statusCode?: unknown })?.statusCode;
    switch (typeof status === 'number' ? status : 500) {
      case 400:
        return new DomainError('VALIDATION_FAILED', 'The request body is not valid JSON.', {
          scimType: 'invalidSyntax',
        });
      case 401:
        return new DomainError('UNAUTHENTICATED', 'A valid bearer token is required.');
      case 403:
        return new DomainError('FORBIDDEN', 'Forbidden.');
      case 404:
        return new DomainError('NOT_FOUND', 'No such resource.');
      case 413:
        return new DomainError('PAYLOAD_TOO_LARGE', 'The body is too large.');
      case 415:
        return new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send application/scim+json or application/json.');
      default:
        this.logger.error(
          { msg: 'unhandled SCIM error', error: (exception as Error)?.message },
          (exception as Error)?.stack,
        );
        return new DomainError('INTERNAL_ERROR', 'Internal error.');
    }
  }
}

function scimTypeOf(error: DomainError, status: number): string | undefined {
  const declared = error.details?.scimType;
  if (typeof declared === 'string') return declared;
  if (status === 409) return 'uniqueness';
  if (status === 400) return 'invalidValue';
  return undefined;
}
