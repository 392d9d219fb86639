import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { DomainError, isDomainError, type ErrorCode, type FieldError } from '@bridge/contracts';
import type { FastifyReply } from 'fastify';
import { ScimErrorFilter } from '../scim/scim-error.filter';
import { HTTP_STATUS_BY_CODE, titleOf } from './error-status';

interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: FieldError[];
  /** The hospital's own error text (pull import, 502 HOSPITAL_ERROR), as PRODUCT.md asks. */
  hospitalError?: string;
}

/**
 * Every error leaves the gateway as RFC 9457 problem+json with a stable `code`. Domain errors map by
 * code; framework errors (unknown route, bad JSON, missing token) get the code a client expects;
 * anything else is a 500 whose details stay in the log.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');
  private readonly scim = new ScimErrorFilter();

  catch(exception: unknown, host: ArgumentsHost): void {
    // Errors raised before a SCIM route runs (an unreadable body, an unknown SCIM path) still speak SCIM.
    const url = host.switchToHttp().getRequest<{ url?: string }>().url;
    if (url?.startsWith('/scim/')) return this.scim.catch(exception, host);
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const error = this.toDomainError(exception);
    const status = HTTP_STATUS_BY_CODE[error.code];
    const problem: ProblemDetails = {
      type: `https://careflow-bridge.dev/problems/${error.code.toLowerCase().replace(/_/g, '-')}`,
      title: titleOf(status),
      status,
      detail: error.message,
      code: error.code,
      ...(error.details?.errors ? { errors: error.details.errors } : {}),
      ...(typeof error.details?.hospitalText === 'string'
        ? { hospitalError: error.details.hospitalText }
        : {}),
    };
    // Only Bearer: a `Basic` challenge would make browsers (the Care app's sign-in page) pop a password dialog.
    if (status === 401 && error.code !== 'INVALID_CLIENT') void reply.header('WWW-Authenticate', 'Bearer');
    const retryAfter = error.details?.retryAfterSeconds;
    if (status === 429 && typeof retryAfter === 'number')
      void reply.header('Retry-After', String(retryAfter));
    void reply.status(status).header('content-type', 'application/problem+json; charset=utf-8').send(problem);
  }

  private toDomainError(exception: unknown): DomainError {
    if (isDomainError(exception)) return exception;
    if (exception instanceof HttpException) return fromHttpException(exception);
    const fastifyError = exception as { statusCode?: number; code?: string; message?: string };
    if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode < 500) {
      return fromStatus(fastifyError.statusCode, fastifyError.message ?? 'Bad request.');
    }
    this.logger.error(
      { msg: 'unhandled error', error: (exception as Error)?.message },
      (exception as Error)?.stack,
    );
    return new DomainError('INTERNAL_ERROR', 'Internal error.');
  }
}

function fromHttpException(exception: HttpException): DomainError {
  const status = exception.getStatus();
  if (status === 404) return new DomainError('NOT_FOUND', 'No such resource.');
  if (status === 401) return new DomainError('UNAUTHENTICATED', 'A valid bearer token is required.');
  return fromStatus(status, exception.message);
}

function fromStatus(status: number, message: string): DomainError {
  switch (status) {
    case 401:
      return new DomainError('UNAUTHENTICATED', 'A valid bearer token is required.');
    case 403:
      return new DomainError('FORBIDDEN', message);
    case 404:
      return new DomainError('NOT_FOUND', 'No such resource.');
    case 413:
      return new DomainError('PAYLOAD_TOO_LARGE', 'The body is too large.');
    case 415:
      return new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send application/json.');
    case 429:
      return new DomainError('RATE_LIMITED', message);
    default:
      return new DomainError('VALIDATION_FAILED', `The request could not be read: ${message}`, {
        errors: [{ field: '', message }],
      });
  }
}
