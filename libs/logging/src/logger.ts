import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import { currentCorrelationId } from './correlation';

/**
 * Safety net for PHI: code never logs payloads on purpose, and anything that slips through under
 * these keys is censored. Keys, not values, so the redaction costs nothing on the hot path.
 */
const PHI_KEYS = [
  'firstName',
  'lastName',
  'middleName',
  'birthDate',
  'email',
  'phone',
  'mobilePhone',
  'nationalRegistryNumber',
  'patientCode',
  'visitNumber',
  'address',
  'identifiers',
  'patient',
  'raw',
  'body',
  'payload',
  'password',
  'clientSecret',
  'client_secret',
  'token',
  'authorization',
];
const REDACT_PATHS = [...PHI_KEYS, ...PHI_KEYS.map((key) => `*.${key}`), 'req.headers.authorization'];

export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    mixin() {
      const correlationId = currentCorrelationId();
      return correlationId ? { correlationId } : {};
    },
  });
}

/** Nest's logger interface over pino, so framework messages share the same structured stream. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
