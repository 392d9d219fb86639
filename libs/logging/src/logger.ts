import type { LoggerService } from '@nestjs/common';
import { context, trace } from '@opentelemetry/api';
import pino, { type Logger } from 'pino';
import { currentCorrelationId } from './correlation';

/**
 * Keys whose values never reach a log line: patient data (names, birth dates, addresses, contact
 * details, national numbers, identifiers, raw HL7 and replies, free text from hospitals) and secrets
 * (passwords, private keys, tokens, client secrets). Code logs ids and counts, not payloads; this is
 * the net for anything that slips through as a field. Keys, not values: the redaction costs nothing
 * unless such a key is logged.
 */
export const REDACTED_KEYS = [
  // patients and users
  'firstName',
  'lastName',
  'middleName',
  'givenName',
  'familyName',
  'displayName',
  'userName',
  'birthDate',
  'dateOfBirth',
  'email',
  'emails',
  'phone',
  'phoneNumbers',
  'mobilePhone',
  'address',
  'addresses',
  'street',
  'postalCode',
  'nationalRegistryNumber',
  'patientCode',
  'visitNumber',
  'identifiers',
  'patient',
  'patients',
  'candidates',
  'demographics',
  // messages and what hospitals send
  'raw',
  'reply',
  'ack',
  'hl7',
  'segment',
  'summary',
  'hospitalText',
  'hospitalError',
  'body',
  'payload',
  'resource',
  // secrets
  'password',
  'passphrase',
  'privateKey',
  'secret',
  'clientSecret',
  'client_secret',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'apiKey',
  'authorization',
  'cookie',
  'key',
  'cert',
];

/** The keys at the top, one and two levels down (`{patient: {…}}`, `{error: {details: {…}}}`). */
const REDACT_PATHS = [
  ...REDACTED_KEYS,
  ...REDACTED_KEYS.map((key) => `*.${key}`),
  ...REDACTED_KEYS.map((key) => `*.*.${key}`),
  'req.headers.authorization',
  'req.headers.cookie',
];

export function createLogger(
  service: string,
  level = process.env.LOG_LEVEL ?? 'info',
  destination?: pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    // The correlation id, and the trace id when the line is written inside a traced request or message.
    mixin() {
      const fields: { correlationId?: string; traceId?: string } = {};
      const correlationId = currentCorrelationId();
      if (correlationId) fields.correlationId = correlationId;
      const span = trace.getSpanContext(context.active());
      if (span && trace.isSpanContextValid(span)) fields.traceId = span.traceId;
      return fields;
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * A log call with data: `logger.warn({ msg: 'SIU run stopped', runId, reason })`. The fields reach pino
 * as fields, so REDACTED_KEYS applies to them; the message stays a constant text.
 */
export interface LogFields {
  msg: string;
  [field: string]: unknown;
}

type Level = 'info' | 'error' | 'warn' | 'debug' | 'trace';

/**
 * Nest's logger interface over pino, so framework messages share the same structured stream. A
 * `LogFields` object is written as fields (redacted by key); anything else as its text.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.write('info', message, { context });
  }
  error(message: unknown, trace?: string, context?: string): void {
    // Nest passes (message, context) when there is no stack.
    if (context === undefined && trace !== undefined && !trace.includes('\n')) {
      this.write('error', message, { context: trace });
    } else {
      this.write('error', message, { context, trace });
    }
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', message, { context });
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', message, { context });
  }
  verbose(message: unknown, context?: string): void {
    this.write('trace', message, { context });
  }

  private write(level: Level, message: unknown, where: Record<string, unknown>): void {
    if (isLogFields(message)) {
      const { msg, ...fields } = message;
      this.logger[level]({ ...where, ...fields }, msg);
    } else if (message instanceof Error) {
      this.logger[level]({ ...where, err: message }, message.message);
    } else {
      this.logger[level](where, String(message));
    }
  }
}

function isLogFields(message: unknown): message is LogFields {
  return typeof message === 'object' && message !== null && typeof (message as LogFields).msg === 'string';
}
